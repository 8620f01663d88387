import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import type { Incident, IncidentAction, IncidentState, Task, TaskAction, TaskState } from '../protocol/dispatch.ts';
import { applyIncidentAction, applyTaskAction, incidentStateOnAssign, incidentStateOnTaskStarted } from './stateMachine.ts';

const AT = '2026-01-22T08:00:00.000Z';

function incident(state: IncidentState, extra: Partial<Incident> = {}): Incident {
  return {
    id: 'i1', number: '20260122-001', type: 'flood', level: 'II', title: '城关镇河堤漫堤', locationText: '城关镇', coordinates: null,
    reporterName: '', reporterContact: '', description: '', channel: 'console', state, closedReason: null, closedFrom: null,
    departmentIds: [], meetingIds: [], lastCapReference: null, createdBy: 'dispatcher', createdAt: AT, updatedAt: AT, ...extra,
  };
}

function task(state: TaskState): Task {
  return {
    id: 't1', code: '1001', incidentId: 'i1', departmentId: 'd024', departmentName: '县水利局', instructions: '', state,
    notifiedAt: AT, acknowledgedAt: null, acceptedAt: null, startedAt: null, reportedAt: null, closedAt: null,
    acknowledgedVia: null, acknowledgedBy: null, report: null, closeReason: null, ackDueAt: AT, reportDueAt: AT,
    escalationStep: 0, nextEscalationAt: AT, notifiedPhones: [], createdBy: 'dispatcher',
  };
}

function conflictOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(409);
    return error as AppError;
  }
  throw new Error('expected a conflict');
}

describe('incident state machine', () => {
  it('walks reported → verified → dispatched → in progress → resolved → closed', () => {
    let i = applyIncidentAction(incident('reported'), 'verify', undefined, AT);
    expect(i.state).toBe('verified');
    i = { ...i, state: incidentStateOnAssign(i) };
    expect(i.state).toBe('dispatched');
    i = applyIncidentAction(i, 'start', undefined, AT);
    expect(i.state).toBe('in_progress');
    i = applyIncidentAction(i, 'resolve', undefined, AT);
    expect(i.state).toBe('resolved');
    i = applyIncidentAction(i, 'close', '处置完毕', AT);
    expect(i).toMatchObject({ state: 'closed', closedReason: '处置完毕', closedFrom: 'resolved' });
  });

  it('refuses actions that do not follow from the current state with a 409 naming both', () => {
    const cases: [IncidentState, IncidentAction][] = [
      ['reported', 'start'],
      ['reported', 'resolve'],
      ['verified', 'verify'],
      ['in_progress', 'verify'],
      ['resolved', 'start'],
      ['closed', 'close'],
      ['closed', 'verify'],
      ['dispatched', 'reopen'],
    ];
    for (const [state, action] of cases) {
      const error = conflictOf(() => applyIncidentAction(incident(state), action, 'x', AT));
      expect(error.message).toContain(state);
    }
  });

  it('reopens a closed incident into the state it was closed from, and a resolved one into progress', () => {
    const closed = applyIncidentAction(incident('dispatched'), 'close', '误报', AT);
    expect(applyIncidentAction(closed, 'reopen', undefined, AT)).toMatchObject({ state: 'dispatched', closedFrom: null, closedReason: null });
    expect(applyIncidentAction(incident('resolved'), 'reopen', undefined, AT).state).toBe('in_progress');
  });

  it('dispatches on assignment only while the incident is open', () => {
    expect(incidentStateOnAssign(incident('reported'))).toBe('dispatched');
    expect(incidentStateOnAssign(incident('in_progress'))).toBe('in_progress');
    conflictOf(() => incidentStateOnAssign(incident('resolved')));
    conflictOf(() => incidentStateOnAssign(incident('closed')));
    expect(incidentStateOnTaskStarted(incident('dispatched'))).toBe('in_progress');
    expect(incidentStateOnTaskStarted(incident('resolved'))).toBe('resolved');
  });
});

describe('task state machine', () => {
  it('stamps each step: notified → acknowledged → accepted → in progress → reported → closed', () => {
    const stamps = ['2026-01-22T08:01:00.000Z', '2026-01-22T08:02:00.000Z', '2026-01-22T08:03:00.000Z', '2026-01-22T08:04:00.000Z', '2026-01-22T08:05:00.000Z'];
    let t = applyTaskAction(task('notified'), 'acknowledge', { at: stamps[0]!, by: '13900240001', via: 'sms' });
    expect(t).toMatchObject({ state: 'acknowledged', acknowledgedAt: stamps[0], acknowledgedVia: 'sms', acknowledgedBy: '13900240001', nextEscalationAt: null });
    t = applyTaskAction(t, 'accept', { at: stamps[1]!, by: 'l' });
    t = applyTaskAction(t, 'start', { at: stamps[2]!, by: 'l' });
    t = applyTaskAction(t, 'report', { at: stamps[3]!, by: 'l', text: '已转移群众120人' });
    t = applyTaskAction(t, 'close', { at: stamps[4]!, by: 'd' });
    expect(t).toMatchObject({
      state: 'closed',
      acceptedAt: stamps[1],
      startedAt: stamps[2],
      reportedAt: stamps[3],
      closedAt: stamps[4],
      report: '已转移群众120人',
    });
  });

  it('refuses skipped or repeated steps with a 409', () => {
    const cases: [TaskState, TaskAction][] = [
      ['notified', 'accept'],
      ['notified', 'report'],
      ['acknowledged', 'acknowledge'],
      ['accepted', 'report'],
      ['in_progress', 'return'],
      ['closed', 'close'],
      ['closed', 'acknowledge'],
    ];
    for (const [state, action] of cases) conflictOf(() => applyTaskAction(task(state), action, { at: AT, by: 'x', text: 'x' }));
  });

  it('lets the dispatcher send a report back for more work', () => {
    expect(applyTaskAction(task('reported'), 'return', { at: AT, by: 'd' }).state).toBe('in_progress');
  });
});
