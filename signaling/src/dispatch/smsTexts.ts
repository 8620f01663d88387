import { INCIDENT_LEVELS, INCIDENT_TYPES, type Incident, type Task } from '../protocol/dispatch.ts';

/** The Chinese SMS texts the dispatch centre sends. Pure functions: tested beside. */

const ROMAN = { I: 'Ⅰ', II: 'Ⅱ', III: 'Ⅲ', IV: 'Ⅳ' } as const;

export function levelLabel(incident: Pick<Incident, 'level'>): string {
  return `${ROMAN[incident.level]}级（${INCIDENT_LEVELS[incident.level].zh}）`;
}

function incidentLine(incident: Incident): string {
  return `${levelLabel(incident)}${INCIDENT_TYPES[incident.type].zh}“${incident.title}”，地点：${incident.locationText}`;
}

function minutesText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)}分钟` : `${Math.max(1, Math.round(ms / 1000))}秒`;
}

export function taskNoticeText(sign: string, incident: Incident, task: Task, acknowledgeMs: number): string {
  const instructions = task.instructions ? `任务要求：${task.instructions}。` : '';
  return (
    `${sign}任务通知（任务号${task.code}）：${task.departmentName}，${incidentLine(incident)}。${instructions}` +
    `请在${minutesText(acknowledgeMs)}内确认，回复“1”确认；同时有多项任务时回复“1 ${task.code}”。`
  );
}

const STEP_LEAD = {
  1: '催办（第1次）',
  2: '超时未确认，请部门负责人督促',
  3: '超时未确认，已升级至当日值班领导',
} as const;

export function escalationText(sign: string, incident: Incident, task: Task, step: 1 | 2 | 3): string {
  return (
    `${sign}${STEP_LEAD[step]}：${task.departmentName}任务号${task.code}尚未确认。${incidentLine(incident)}。` +
    `请立即处理，回复“1 ${task.code}”确认。`
  );
}

export function followUpText(sign: string, departmentName: string, items: { code: string; overdue: 'acknowledge' | 'report' }[]): string {
  const list = items
    .slice(0, 10)
    .map((i) => `${i.code}（${i.overdue === 'acknowledge' ? '未确认' : '未反馈'}）`)
    .join('、');
  const more = items.length > 10 ? `等${items.length}项` : '';
  return `${sign}督办提醒：${departmentName}有${items.length}项任务已超时：${list}${more}。请尽快办理并在系统中反馈。`;
}

export function meetingNoticeText(sign: string, incident: Incident): string {
  return `${sign}紧急视频会议通知：就${incidentLine(incident)}，应急指挥中心现召开紧急视频会议，请立即到本单位视频会场入会。`;
}

export function ackConfirmText(sign: string, task: Task, stillPending: number): string {
  const rest = stillPending > 0 ? `您还有${stillPending}项任务待确认，请回复“1 任务号”逐项确认。` : '';
  return `${sign}已确认任务号${task.code}（${task.departmentName}）。${rest}`;
}
