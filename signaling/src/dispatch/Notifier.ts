import type { AuditLog } from '../audit/AuditLog.ts';
import type { Logger } from '../../../sfu/src/index.ts';
import type { DutyPerson, TimelineEntry } from '../protocol/dispatch.ts';
import type { DispatchStore } from './DispatchStore.ts';
import type { DispatchSms } from './sms.ts';

export interface NotifyRequest {
  /** People to text; those missing (nobody on file) are skipped. */
  to: (DutyPerson | null)[];
  text: string;
  /** task.notice, task.escalation, followup, meeting, sms.ack … (shown on the timeline). */
  purpose: string;
  ref: string;
  actor: string;
  source: string;
  /** Incidents whose timeline records the outcome. */
  incidentIds: string[];
}

/**
 * Queues the dispatch centre's SMS and records each outcome on the incidents' timelines. A failure
 * to queue never undoes the change that caused it: it is logged, put on the timeline, and the
 * escalation or follow-up that depends on it will try again.
 */
export class Notifier {
  readonly #sms: DispatchSms;
  readonly #store: DispatchStore;
  readonly #audit: AuditLog;
  readonly #logger: Logger;

  constructor(options: { sms: DispatchSms; store: DispatchStore; audit: AuditLog; logger: Logger }) {
    this.#sms = options.sms;
    this.#store = options.store;
    this.#audit = options.audit;
    this.#logger = options.logger;
  }

  async notify(request: NotifyRequest): Promise<{ batchId: string | null }> {
    const people = dedupe(request.to.filter((p): p is DutyPerson => p !== null));
    const at = new Date().toISOString();
    const recipients = people.map((p) => `${p.name} ${p.phone}`);
    let entry: TimelineEntry;
    let batchId: string | null = null;
    if (people.length === 0) {
      entry = { at, actor: request.actor, kind: 'sms.failed', data: { purpose: request.purpose, reason: 'nobody_on_file', recipients } };
    } else {
      try {
        const to = people.map((p) => p.phone);
        const kind = request.purpose === 'meeting' ? 'meeting_notice' : request.purpose === 'sms.ack' ? 'task_reply' : 'emergency_command';
        ({ batchId } = await this.#sms.send({ to, text: request.text, kind, ref: request.ref, actor: request.actor, source: request.source }));
        entry = { at, actor: request.actor, kind: 'sms.queued', data: { purpose: request.purpose, batchId, recipients, text: request.text } };
        await this.#audit.append({
          at,
          actor: request.actor,
          action: 'dispatch.sms.queue',
          source: request.source,
          target: request.ref,
          after: { batchId, to, text: request.text, purpose: request.purpose },
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.#logger.warn({ err: reason, ref: request.ref, purpose: request.purpose }, 'could not queue dispatch SMS');
        entry = { at, actor: request.actor, kind: 'sms.failed', data: { purpose: request.purpose, reason, recipients } };
      }
    }
    if (request.incidentIds.length > 0) {
      const batch = this.#store.batch();
      for (const id of request.incidentIds) batch.append(id, entry);
      await batch.commit();
    }
    return { batchId };
  }
}

function dedupe(people: DutyPerson[]): DutyPerson[] {
  const seen = new Set<string>();
  return people.filter((p) => !seen.has(p.phone) && Boolean(seen.add(p.phone)));
}
