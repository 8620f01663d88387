import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../protocol/index.ts';
import type { Task, TimelineEntry } from '../protocol/dispatch.ts';
import { waitFor } from '../sms/testKit.ts';
import type { DispatchConfigInput } from './config.ts';
import { demoPerson, demoRoster } from './seed.ts';
import { startDispatchHarness, type DispatchHarness } from './testKit.ts';
import { localDay } from './time.ts';

const long = { acknowledgeMs: 3_600_000, reportMs: 7_200_000, escalationStepMs: 3_600_000 };
/** Level II: acknowledge within 0.8 s, then a step every 0.4 s. Level III: overdue at once for follow-up. */
const CONFIG: DispatchConfigInput = {
  deadlines: {
    I: long,
    II: { acknowledgeMs: 800, reportMs: 60_000, escalationStepMs: 400 },
    III: { acknowledgeMs: 200, reportMs: 60_000, escalationStepMs: 3_600_000 },
    IV: long,
  },
  followUpIntervalMs: 3_600_000,
};

const dispatcher: SessionUser = { id: 'u1', username: 'dispatcher', displayName: '应急指挥中心调度员', role: 'dispatcher', venueId: 'dispatch' };
const waterLiaison: SessionUser = { id: 'u2', username: 'l-d024', displayName: '县水利局联络员', role: 'liaison', venueId: 'd024' };
const SOURCE = '127.0.0.1';

const today = () => localDay(Date.now(), 480);
const onDuty = (index: number, id: string) => demoRoster(index, id, today());
const timelineOf = async (h: DispatchHarness, incidentId: string): Promise<TimelineEntry[]> =>
  (await h.dispatch.getIncident(dispatcher, incidentId)).timeline;

let h: DispatchHarness;

beforeAll(async () => {
  h = await startDispatchHarness(CONFIG);
});
afterAll(async () => {
  await h.close();
});

async function flood(level: 'I' | 'II' | 'III' | 'IV' = 'II') {
  return h.dispatch.createIncident(
    dispatcher,
    { type: 'flood', level, locationText: '城关镇滨河路河堤', title: '滨河路河堤漫堤', description: '持续强降雨，河水漫过堤顶，低洼处积水约一米。' },
    SOURCE,
  );
}

async function taskOf(incidentId: string, departmentId: string): Promise<Task> {
  const { tasks } = await h.dispatch.getIncident(dispatcher, incidentId);
  return tasks.find((t) => t.departmentId === departmentId)!;
}

describe('DispatchService with the real SMS layer and SMSC simulator', () => {
  it("texts each assigned department's duty liaison, long Chinese text intact, and dispatches the incident", async () => {
    // Level I (long deadlines): no escalation SMS from this task may reach the water liaison during later tests.
    const incident = await flood('I');
    const tasks = await h.dispatch.assignTasks(dispatcher, incident.id, { departmentIds: ['d041', 'd024'], instructions: '立即组织力量转移滨河路低洼地带群众，设置警戒线，并每半小时报告一次水位与转移人数。' }, SOURCE);
    expect(tasks.map((t) => t.departmentName)).toEqual(['县消防救援大队', '县水利局']);
    const fire = onDuty(41, 'd041').liaison.phone;
    const water = onDuty(24, 'd024').liaison.phone;
    await waitFor(() => h.simulator.countTo(fire) === 1 && h.simulator.countTo(water) === 1, 5000, 'both task notices at the SMSC');

    const timeline = await timelineOf(h, incident.id);
    const queued = timeline.filter((e) => e.kind === 'sms.queued' && e.data.purpose === 'task.notice');
    expect(queued).toHaveLength(2);
    const [received] = h.simulator.messagesTo(water);
    expect(received!.text).toBe(queued[1]!.data.text);
    expect(received!.text).toContain('县水利局');
    expect(received!.text).toContain('回复“1”确认');
    expect(received!.parts).toBeGreaterThan(1);
    expect(received!.dataCoding).toBe(8);
    expect((await h.dispatch.getIncident(dispatcher, incident.id)).incident.state).toBe('dispatched');
  });

  it('acknowledges the task a liaison replies "1" to, stops its escalation and confirms by SMS', async () => {
    const incident = await flood();
    const [task] = await h.dispatch.assignTasks(dispatcher, incident.id, { departmentIds: ['d024'] }, SOURCE);
    const water = onDuty(24, 'd024').liaison.phone;
    const noticed = (m: { text: string }) => m.text.includes(task!.code) && !m.text.includes('已确认');
    // The task notice leaves through the SMS outbox asynchronously: let it reach the SMSC before the reply.
    await waitFor(() => h.simulator.messagesTo(water).some(noticed), 5000, 'the task notice');
    await h.simulator.injectInbound({ from: `+86${water}`, to: h.centreNumber, text: '1' });
    await waitFor(async () => (await taskOf(incident.id, 'd024')).state === 'acknowledged', 5000, 'the SMS acknowledgement');
    const acked = await taskOf(incident.id, 'd024');
    expect(acked).toMatchObject({ acknowledgedVia: 'sms', acknowledgedBy: water, escalationStep: 0, nextEscalationAt: null });
    const confirmed = (m: { text: string }) => m.text.includes(`已确认任务号${task!.code}`);
    await waitFor(() => h.simulator.messagesTo(water).some(confirmed), 5000, 'the confirmation SMS');
    expect(h.simulator.messagesTo(water).filter(confirmed)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await taskOf(incident.id, 'd024')).escalationStep).toBe(0);
  });

  it('escalates an unacknowledged task to the liaison, the department head, then the duty leader, each by SMS and on the timeline', async () => {
    const incident = await flood();
    await h.dispatch.assignTasks(dispatcher, incident.id, { departmentIds: ['d015'] }, SOURCE);
    const duty = onDuty(15, 'd015');
    const head = demoPerson(15, 1);
    await waitFor(async () => (await taskOf(incident.id, 'd015')).escalationStep === 3, 6000, 'three escalation steps');
    await waitFor(() => h.simulator.countTo(duty.leader.phone) === 1, 3000, 'the duty leader SMS');
    expect(h.simulator.countTo(duty.liaison.phone)).toBe(2);
    expect(h.simulator.messagesTo(duty.liaison.phone)[1]!.text).toContain('催办（第1次）');
    expect(h.simulator.messagesTo(head.phone).at(-1)!.text).toContain('请部门负责人督促');
    expect(h.simulator.messagesTo(duty.leader.phone)[0]!.text).toContain('当日值班领导');

    const escalations = (await timelineOf(h, incident.id)).filter((e) => e.kind === 'task.escalated');
    expect(escalations.map((e) => [e.data.step, e.data.role])).toEqual([[1, 'liaison'], [2, 'head'], [3, 'leader']]);
    const task = await taskOf(incident.id, 'd015');
    expect(task.nextEscalationAt).toBeNull();
    const notices = await h.dispatch.notices(dispatcher);
    expect(notices.filter((n) => n.kind === 'escalation' && n.taskIds[0] === task.id).map((n) => n.step).sort()).toEqual([1, 2, 3]);
    expect(await h.audit.verify()).toMatchObject({ ok: true });
  });

  it('keeps escalation deadlines across a restart: the new service reschedules from Redis', async () => {
    await h.restart({ ...CONFIG, deadlines: { ...(CONFIG.deadlines as object), II: { acknowledgeMs: 1500, reportMs: 60_000, escalationStepMs: 3_600_000 } } as DispatchConfigInput['deadlines'] });
    const incident = await flood();
    await h.dispatch.assignTasks(dispatcher, incident.id, { departmentIds: ['d023'] }, SOURCE);
    const old = h.dispatch;
    const restarted = await h.restart();
    expect(old.closed).toBe(true);
    expect(old.nextEscalationAt).toBeNull();
    expect(restarted.nextEscalationAt).not.toBeNull();
    await waitFor(async () => (await taskOf(incident.id, 'd023')).escalationStep === 1, 5000, 'the escalation after restart');
    const liaison = onDuty(23, 'd023').liaison.phone;
    await waitFor(() => h.simulator.countTo(liaison) === 2, 3000, 'the re-notification SMS');
  });

  it('sends one follow-up reminder per department listing all its overdue tasks', async () => {
    const a = await flood('III');
    const b = await flood('III');
    const [ta] = await h.dispatch.assignTasks(dispatcher, a.id, { departmentIds: ['d045'] }, SOURCE);
    const [tb] = await h.dispatch.assignTasks(dispatcher, b.id, { departmentIds: ['d045'] }, SOURCE);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.dispatch.runFollowUp();
    const liaison = onDuty(45, 'd045').liaison.phone;
    await waitFor(() => h.simulator.messagesTo(liaison).some((m) => m.text.includes('督办提醒')), 5000, 'the follow-up SMS');
    const reminders = h.simulator.messagesTo(liaison).filter((m) => m.text.includes('督办提醒'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain(`${ta!.code}（未确认）`);
    expect(reminders[0]!.text).toContain(`${tb!.code}（未确认）`);
    for (const incident of [a, b]) {
      expect((await timelineOf(h, incident.id)).some((e) => e.kind === 'task.reminded')).toBe(true);
    }
  });

  it("turns an SMS to the centre into an incident and attaches the same sender's next message to it", async () => {
    const before = (await h.dispatch.listIncidents(dispatcher)).length;
    await h.simulator.injectInbound({ from: '13912340000', to: h.centreNumber, text: '东街3号仓库起火，浓烟很大' });
    await waitFor(async () => (await h.dispatch.listIncidents(dispatcher)).length === before + 1, 5000, 'the SMS incident');
    const [incident] = await h.dispatch.listIncidents(dispatcher);
    expect(incident).toMatchObject({ channel: 'sms', type: 'fire', state: 'reported', reporterContact: '13912340000' });
    await h.simulator.injectInbound({ from: '13912340000', to: h.centreNumber, text: '火势蔓延到隔壁' });
    await waitFor(async () => (await timelineOf(h, incident!.id)).filter((e) => e.kind === 'sms.inbound').length === 2, 5000, 'the attached SMS');
    expect((await h.dispatch.listIncidents(dispatcher)).length).toBe(before + 1);
  });

  it('starts an emergency meeting from an incident with the centre, the hall and the departments, and texts their duty staff', async () => {
    const incident = await flood();
    await h.dispatch.assignTasks(dispatcher, incident.id, { departmentIds: ['d041', 'd024'] }, SOURCE);
    const result = await h.dispatch.startEmergencyMeeting(dispatcher, incident.id, false, SOURCE);
    expect(result.invitedVenueIds.sort()).toEqual(['d024', 'd041', 'dispatch', 'hall']);
    const meeting = await h.meetings.get(result.meetingId);
    expect(meeting).toMatchObject({ chairVenueId: 'dispatch', createdBy: 'dispatcher' });
    const leader = onDuty(24, 'd024').leader.phone;
    await waitFor(() => h.simulator.messagesTo(leader).some((m) => m.text.includes('紧急视频会议')), 5000, 'the meeting notice');
    const timeline = await timelineOf(h, incident.id);
    expect(timeline.some((e) => e.kind === 'meeting.started' && e.data.meetingId === result.meetingId)).toBe(true);
    await expect(h.dispatch.startEmergencyMeeting(dispatcher, incident.id, false, SOURCE)).rejects.toMatchObject({ status: 409 });
  });

  it('lets a liaison take its task through accept, start and report, and closing the incident closes what is left', async () => {
    const incident = await flood('IV');
    const [water, fire] = await h.dispatch.assignTasks(dispatcher, incident.id, { departmentIds: ['d024', 'd041'] }, SOURCE);
    for (const action of ['acknowledge', 'accept', 'start'] as const) await h.dispatch.actOnTask(waterLiaison, water!.id, { action }, SOURCE);
    expect((await h.dispatch.getIncident(dispatcher, incident.id)).incident.state).toBe('in_progress');
    const reported = await h.dispatch.actOnTask(waterLiaison, water!.id, { action: 'report', text: '已转移群众120人，水位回落。' }, SOURCE);
    expect(reported).toMatchObject({ state: 'reported', report: '已转移群众120人，水位回落。' });
    const mine = await h.dispatch.departmentTasks(waterLiaison);
    expect(mine.find((t) => t.task.id === water!.id)?.incident.number).toBe(incident.number);
    await h.dispatch.actOnIncident(dispatcher, incident.id, { action: 'close', reason: '险情解除' }, SOURCE);
    const { tasks } = await h.dispatch.getIncident(dispatcher, incident.id);
    expect(tasks.find((t) => t.id === fire!.id)).toMatchObject({ state: 'closed', closeReason: '事件已关闭：险情解除' });
    const report = await h.dispatch.report(dispatcher, today(), today());
    expect(report.rows.find((r) => r.departmentId === 'd024')).toMatchObject({ completed: 1 });
  });
});
