import type { DepartmentReportRow, Task } from '../protocol/dispatch.ts';

/** Nearest-rank percentile (p in 0..100); null for no samples. */
export function percentile(samples: number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const seconds = (from: string, to: string | null) => (to === null ? null : (Date.parse(to) - Date.parse(from)) / 1000);
const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

/**
 * Acknowledgement (notified → acknowledged) and completion (notified → reported back) times per
 * department, p50 and p90 in seconds, over the tasks given.
 */
export function departmentReport(tasks: Task[]): DepartmentReportRow[] {
  const groups = new Map<string, Task[]>();
  for (const task of tasks) {
    const list = groups.get(task.departmentId) ?? [];
    list.push(task);
    groups.set(task.departmentId, list);
  }
  return [...groups.values()]
    .map((list): DepartmentReportRow => {
      const ack = list.map((t) => seconds(t.notifiedAt, t.acknowledgedAt)).filter((s): s is number => s !== null);
      const done = list.map((t) => seconds(t.notifiedAt, t.reportedAt)).filter((s): s is number => s !== null);
      return {
        departmentId: list[0]!.departmentId,
        departmentName: list[0]!.departmentName,
        tasks: list.length,
        acknowledged: ack.length,
        completed: done.length,
        ackSecondsP50: round(percentile(ack, 50)),
        ackSecondsP90: round(percentile(ack, 90)),
        completionSecondsP50: round(percentile(done, 50)),
        completionSecondsP90: round(percentile(done, 90)),
      };
    })
    .sort((a, b) => a.departmentId.localeCompare(b.departmentId));
}
