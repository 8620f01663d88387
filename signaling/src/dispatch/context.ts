import type { AuditLog } from '../audit/AuditLog.ts';
import type { EnhancedEventEmitter, KeyedQueue, Logger } from '../../../sfu/src/index.ts';
import type { Incident, Notice, Task } from '../protocol/dispatch.ts';
import type { DispatchConfig } from './config.ts';
import type { DispatchStore } from './DispatchStore.ts';
import type { Notifier } from './Notifier.ts';
import type { RosterBook } from './RosterBook.ts';

export type DispatchServiceEvents = {
  incidentChanged: [incident: Incident];
  taskChanged: [task: Task];
  /** An unacknowledged task went one step up its escalation chain (also on the console). */
  taskEscalated: [task: Task, step: number];
  /** Follow-up reminders just sent, one notice per department. */
  followUp: [notices: Notice[]];
};

/** Who did it and from where: a user, `system`, or `sms:<number>`. */
export interface Actor {
  name: string;
  source: string;
}

/** What the service's desks share. */
export interface DeskContext {
  config: DispatchConfig;
  store: DispatchStore;
  rosters: RosterBook;
  audit: AuditLog;
  notifier: Notifier;
  /** Serialises every change to one incident and its tasks (key: incident id). */
  queue: KeyedQueue;
  logger: Logger;
  events: EnhancedEventEmitter<DispatchServiceEvents>;
  /** Tells the escalation timer a due time was written. */
  dueWritten(atMs: number): void;
  /** The local day now (YYYY-MM-DD). */
  today(): string;
  /** The `【centre】` signature SMS texts start with. */
  sign: string;
}

export async function audited(
  ctx: DeskContext,
  actor: Actor,
  action: string,
  target: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await ctx.audit.append({ at: new Date().toISOString(), actor: actor.name, action, source: actor.source, target, before, after });
}
