import { describe, expect, it } from 'vitest';
import type { Task } from '../protocol/dispatch.ts';
import { departmentReport, percentile } from './report.ts';

const base = Date.parse('2026-01-22T08:00:00.000Z');
const iso = (s: number) => new Date(base + s * 1000).toISOString();

function task(departmentId: string, ackS: number | null, doneS: number | null): Task {
  return {
    id: `${departmentId}-${ackS}-${doneS}`, code: '1', incidentId: 'i', departmentId, departmentName: departmentId, instructions: '',
    state: 'notified', notifiedAt: iso(0), acknowledgedAt: ackS === null ? null : iso(ackS), acceptedAt: null, startedAt: null,
    reportedAt: doneS === null ? null : iso(doneS), closedAt: null, acknowledgedVia: null, acknowledgedBy: null, report: null,
    closeReason: null, ackDueAt: iso(300), reportDueAt: iso(3600), escalationStep: 0, nextEscalationAt: null, notifiedPhones: [], createdBy: 'd',
  };
}

describe('department report', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 90)).toBe(90);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('reports acknowledgement and completion p50/p90 per department, counting only what happened', () => {
    const rows = departmentReport([
      task('d024', 60, 1800), task('d024', 120, null), task('d024', null, null), task('d041', 30, 600),
    ]);
    expect(rows).toEqual([
      { departmentId: 'd024', departmentName: 'd024', tasks: 3, acknowledged: 2, completed: 1, ackSecondsP50: 60, ackSecondsP90: 120, completionSecondsP50: 1800, completionSecondsP90: 1800 },
      { departmentId: 'd041', departmentName: 'd041', tasks: 1, acknowledged: 1, completed: 1, ackSecondsP50: 30, ackSecondsP90: 30, completionSecondsP50: 600, completionSecondsP90: 600 },
    ]);
  });
});
