import { conflict } from '../errors.ts';
import type { Incident, IncidentAction, IncidentState, Task, TaskAction, TaskState } from '../protocol/dispatch.ts';

/**
 * The incident and task state machines, as pure functions: the service applies what they return.
 * An action not allowed from the current state is a 409 conflict naming both.
 */

const INCIDENT_ACTIONS: Record<Exclude<IncidentAction, 'close' | 'reopen'>, { from: IncidentState[]; to: IncidentState }> = {
  verify: { from: ['reported'], to: 'verified' },
  start: { from: ['dispatched'], to: 'in_progress' },
  resolve: { from: ['dispatched', 'in_progress'], to: 'resolved' },
};

export const OPEN_INCIDENT_STATES: readonly IncidentState[] = ['reported', 'verified', 'dispatched', 'in_progress'];

/** The incident after an explicit action (verify, start, resolve, close, reopen). */
export function applyIncidentAction(incident: Incident, action: IncidentAction, reason: string | undefined, at: string): Incident {
  const from = incident.state;
  if (action === 'close') {
    if (from === 'closed') throw conflict(`incident ${incident.number} is already closed`);
    return { ...incident, state: 'closed', closedFrom: from, closedReason: reason ?? '', updatedAt: at };
  }
  if (action === 'reopen') {
    if (from === 'resolved') return { ...incident, state: 'in_progress', updatedAt: at };
    if (from !== 'closed') throw conflict(`incident ${incident.number} is ${from}; only a resolved or closed incident can be reopened`);
    return { ...incident, state: incident.closedFrom ?? 'reported', closedFrom: null, closedReason: null, updatedAt: at };
  }
  const rule = INCIDENT_ACTIONS[action];
  if (!rule.from.includes(from)) {
    throw conflict(`cannot ${action} incident ${incident.number}: it is ${from}, and ${action} needs ${rule.from.join(' or ')}`);
  }
  return { ...incident, state: rule.to, updatedAt: at };
}

/** Assigning tasks dispatches an incident that was reported or verified; resolved or closed ones refuse. */
export function incidentStateOnAssign(incident: Incident): IncidentState {
  switch (incident.state) {
    case 'reported':
    case 'verified':
      return 'dispatched';
    case 'dispatched':
    case 'in_progress':
      return incident.state;
    default:
      throw conflict(`incident ${incident.number} is ${incident.state}; reopen it before assigning tasks`);
  }
}

/** Work starting on a task moves a dispatched incident to in progress. */
export function incidentStateOnTaskStarted(incident: Incident): IncidentState {
  return incident.state === 'dispatched' ? 'in_progress' : incident.state;
}

const TASK_ACTIONS: Record<TaskAction, { from: TaskState[]; to: TaskState; stamp?: keyof Task }> = {
  acknowledge: { from: ['notified'], to: 'acknowledged', stamp: 'acknowledgedAt' },
  accept: { from: ['acknowledged'], to: 'accepted', stamp: 'acceptedAt' },
  start: { from: ['accepted'], to: 'in_progress', stamp: 'startedAt' },
  report: { from: ['in_progress'], to: 'reported', stamp: 'reportedAt' },
  /** The dispatcher sends a report back for more work. */
  return: { from: ['reported'], to: 'in_progress' },
  close: { from: ['notified', 'acknowledged', 'accepted', 'in_progress', 'reported'], to: 'closed', stamp: 'closedAt' },
};

/** Actions a department's own staff take; the others are the dispatcher's. */
export const DEPARTMENT_TASK_ACTIONS: readonly TaskAction[] = ['acknowledge', 'accept', 'start', 'report'];

export function applyTaskAction(task: Task, action: TaskAction, options: { at: string; text?: string; by: string; via?: 'console' | 'sms' }): Task {
  const rule = TASK_ACTIONS[action];
  if (!rule.from.includes(task.state)) {
    throw conflict(
      `cannot ${action} task ${task.code} (${task.departmentName}): it is ${task.state}, and ${action} needs ${rule.from.join(' or ')}`,
    );
  }
  const next: Task = { ...task, state: rule.to };
  if (rule.stamp) Object.assign(next, { [rule.stamp]: options.at });
  if (action === 'acknowledge') {
    next.acknowledgedVia = options.via ?? 'console';
    next.acknowledgedBy = options.by;
  }
  if (action === 'report') next.report = options.text ?? '';
  if (action === 'close') next.closeReason = options.text ?? null;
  if (action === 'acknowledge' || action === 'close') next.nextEscalationAt = null;
  return next;
}
