import { EnhancedEventEmitter, OwnedTimers, getLogger, type Logger } from '../../../sfu/src/index.ts';
import { conflict, notFound } from '../errors.ts';
import { CarrierError, type CarrierLink, type DeliveryReceipt, type InboundSms } from './CarrierLink.ts';
import { BroadcastTexts } from './BroadcastTexts.ts';
import { planSms } from './encoding.ts';
import { parseRecipients } from './phone.ts';
import { SmsOutbox, type QueuedMessage } from './SmsOutbox.ts';
import {
  broadcastRequestSchema,
  type Broadcast,
  type MessageStatus,
  type MessageStatusUpdate,
  type RecipientStatus,
} from './smsProtocol.ts';

export interface SmsServiceOptions {
  redisUrl: string;
  /** The carrier link; the service owns it from now on and closes it. */
  link: CarrierLink;
  prefix?: string;
  receiptTimeoutMs?: number;
  /** Messages handed to the link at once (defaults to 4 × its window). */
  maxActive?: number;
}

/** Message ids are `<broadcast id>.<recipient index>`. */
const broadcastOf = (messageId: string) => messageId.slice(0, messageId.lastIndexOf('.'));

export type SmsServiceEvents = {
  /** A message's submit outcome or final status was recorded (sent, unknown, delivered, failed, expired). */
  status: [update: MessageStatusUpdate];
  /** A mobile-originated message, already recorded in the inbound stream. */
  inbound: [message: InboundSms & { id: string }];
  linkUp: [];
  linkDown: [reason: string];
};

/**
 * SMS broadcasting: validates broadcasts, keeps them in the Redis outbox, feeds the carrier link
 * (recording "sending" in the same tick as the write), records carrier ids, receipts and inbound
 * messages, and recovers the outbox after a restart (README.md has the rule).
 */
export class SmsService extends EnhancedEventEmitter<SmsServiceEvents> {
  readonly #outbox: SmsOutbox;
  readonly #link: CarrierLink;
  readonly #logger: Logger;
  readonly #maxActive: number;
  readonly #ready: QueuedMessage[] = [];
  readonly #texts: BroadcastTexts;
  readonly #attempts = new Map<string, number>();
  /** Messages this process holds (ready, being sent or recorded, waiting to retry), by id. */
  readonly #inHand = new Set<string>();
  readonly #retrying = new Set<string>();
  /** Redis came back: outbox entries read before it dropped may have no one handling them. */
  #rescueDue = false;
  readonly #timers = new OwnedTimers();
  readonly #wakers = new Set<() => void>();
  readonly #poll: NodeJS.Timeout;
  readonly #recovered: Promise<void>;
  #active = 0;
  #recording = 0;
  #filling = false;
  #fillAgain = false;
  #closed = false;
  #aborted = false;
  #closing: Promise<void> | null = null;
  #onIdle: (() => void) | null = null;

  static async create(options: SmsServiceOptions): Promise<SmsService> {
    let outbox: SmsOutbox;
    try {
      outbox = await SmsOutbox.create(options);
    } catch (error) {
      await options.link.close();
      throw error;
    }
    const service = new SmsService(outbox, options);
    await service.#recovered.catch(async (error: unknown) => {
      await service.close();
      throw error;
    });
    return service;
  }

  private constructor(outbox: SmsOutbox, options: SmsServiceOptions) {
    super();
    this.#outbox = outbox;
    this.#texts = new BroadcastTexts(outbox);
    this.#link = options.link;
    this.#maxActive = options.maxActive ?? options.link.window * 4;
    this.#logger = getLogger('SmsService', { carrier: options.link.protocol });
    this.#link.on('receipt', (r, resolve, reject) => void this.#onReceipt(r).then(resolve, reject));
    this.#link.on('inbound', (m, resolve, reject) => void this.#onInbound(m).then(resolve, reject));
    this.#link.on('up', () => this.safeEmit('linkUp'));
    this.#link.on('down', (reason) => this.safeEmit('linkDown', reason));
    this.#recovered = this.#recover();
    this.#outbox.onReconnect(() => {
      this.#rescueDue = true;
      void this.#fill();
    });
    this.#poll = setInterval(() => this.#onPoll(), 1000);
  }

  get linkUp(): boolean {
    return this.#link.isUp;
  }

  /**
   * Queues one message per recipient. Bad input (empty or oversize text, a number that is not a
   * mainland mobile number, an empty list) throws a 400 error and changes nothing.
   */
  async broadcast(input: unknown): Promise<Broadcast> {
    if (this.#closed) throw conflict('the SMS service is stopping; try again in a moment');
    const request = broadcastRequestSchema.parse(input);
    const plan = planSms(request.text);
    const { numbers, duplicates } = parseRecipients(request.recipients);
    const broadcast = await this.#outbox.createBroadcast(
      { text: request.text, kind: request.kind, ref: request.ref, encoding: plan.encoding, parts: plan.parts, duplicates },
      numbers,
    );
    this.#texts.remember(broadcast.id, request.text);
    this.#logger.info({ broadcastId: broadcast.id, kind: broadcast.kind, recipients: numbers.length, parts: plan.parts }, 'broadcast queued');
    void this.#fill();
    return broadcast;
  }

  async getBroadcast(id: string): Promise<Broadcast> {
    const broadcast = await this.#outbox.getBroadcast(id);
    if (!broadcast) throw notFound(`no SMS broadcast ${id}`);
    return broadcast;
  }

  listBroadcasts(limit?: number): Promise<Broadcast[]> {
    return this.#outbox.listBroadcasts(limit);
  }

  async getRecipients(id: string, offset?: number, limit?: number): Promise<RecipientStatus[]> {
    await this.getBroadcast(id);
    return this.#outbox.getRecipients(id, offset, limit);
  }

  /** Graceful: stops taking messages, lets answers in flight arrive and records them. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#logger.info('closing the SMS service');
      this.#clearTimers();
      await this.#link.close();
      await this.#whenIdle(5000);
      await this.#outbox.close();
    })();
    return this.#closing;
  }

  /**
   * Stops at once as a crash would (restart drills, tests): the Redis and carrier connections
   * drop in the same tick and nothing more is recorded. The next start recovers the outbox.
   */
  abort(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#aborted = true;
      this.#clearTimers();
      const redisGone = this.#outbox.abort();
      this.#closing = Promise.all([this.#link.abort(), redisGone]).then(() => undefined);
    }
    return this.#closing;
  }

  #clearTimers(): void {
    clearInterval(this.#poll);
    this.#timers.clear();
    for (const wake of [...this.#wakers]) wake();
  }

  #whenIdle(timeoutMs: number): Promise<void> {
    if (this.#active === 0 && this.#recording === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#onIdle?.(), timeoutMs);
      this.#onIdle = () => {
        clearTimeout(timer);
        this.#onIdle = null;
        resolve();
      };
    });
  }

  async #recover(): Promise<void> {
    await this.#takeBackPending();
    void this.#fill();
  }

  /** Pending outbox entries nobody here handles (after a restart, or an XREADGROUP reply lost in a Redis drop). */
  async #takeBackPending(): Promise<void> {
    const { queued } = await this.#outbox.recover(this.#inHand);
    this.#hold(queued);
  }

  /** Takes messages in hand to be sent (each once, however it was read). */
  #hold(messages: QueuedMessage[]): void {
    for (const m of messages) {
      if (this.#inHand.has(m.messageId)) continue;
      this.#inHand.add(m.messageId);
      this.#ready.push(m);
    }
  }

  #onPoll(): void {
    void this.#fill();
    this.#outbox.expireOverdue().then(
      (expired) => {
        if (expired.length === 0) return;
        this.#logger.info({ expired: expired.length }, 'messages expired without a final receipt');
        for (const { messageId, to } of expired) {
          this.safeEmit('status', { broadcastId: broadcastOf(messageId), messageId, to, status: 'expired' });
        }
      },
      (error: Error) => this.#logger.warn({ err: error.message }, 'expiring overdue messages failed'),
    );
  }

  /** Hands messages to the link up to maxActive, reading more from the outbox stream as needed. */
  async #fill(): Promise<void> {
    if (this.#closed) return;
    if (this.#filling) {
      this.#fillAgain = true;
      return;
    }
    this.#filling = true;
    try {
      await this.#recovered;
      while (!this.#closed) {
        this.#fillAgain = false;
        if (this.#rescueDue) {
          await this.#takeBackPending(); // no outbox read is in flight here: all read so far is in hand
          this.#rescueDue = false;
        }
        while (this.#hasRoom() && this.#ready.length > 0) void this.#send(this.#ready.shift()!);
        if (!this.#hasRoom()) break;
        const batch = await this.#outbox.readNew(this.#maxActive * 2);
        if (batch.length === 0 && !this.#fillAgain) break;
        this.#hold(batch);
      }
    } catch (error) {
      if (!this.#aborted) this.#logger.warn({ err: error instanceof Error ? error.message : error }, 'reading the SMS outbox failed; retrying');
    } finally {
      this.#filling = false;
    }
  }

  #hasRoom(): boolean {
    return this.#active < this.#maxActive && this.#recording < this.#maxActive * 25;
  }

  /**
   * One message: the link part counts in #active (bounded by maxActive, so the link always has
   * the next messages waiting), the Redis recording after it in #recording.
   */
  async #send(m: QueuedMessage): Promise<void> {
    this.#active++;
    let marking: Promise<boolean> | null = null;
    let outcome: { ok: true; ids: string[] } | { ok: false; error: unknown };
    try {
      const sms = await this.#texts.encode(m);
      if (sms === null) throw new CarrierError('rejected', 'the broadcast record is missing');
      const message = { to: m.to, dataCoding: sms.dataCoding, parts: sms.parts, clientRef: m.clientRef };
      const ids = await this.#link.submit(message, {
        onWrite: () => {
          if (!this.#outbox.ready) return false;
          marking = this.#outbox.markSending(m.messageId);
          marking.then(
            (ok) => ok || this.#logger.warn({ messageId: m.messageId }, 'an SMS was sent that was not queued'),
            // The outcome write that follows repairs the record (it accepts a message still queued).
            (err: Error) => this.#aborted || this.#logger.warn({ err: err.message, messageId: m.messageId }, 'recording "sending" failed'),
          );
          return true;
        },
      });
      outcome = { ok: true, ids };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.#active--;
    this.#recording++;
    if (!this.#closed) void this.#fill();
    try {
      if (outcome.ok) {
        const { ids } = outcome;
        await this.#record(m, () => this.#outbox.markSent(m, ids));
      } else {
        await this.#onSendError(m, outcome.error, marking);
      }
    } catch (error) {
      if (!this.#aborted) this.#logger.error({ err: error, messageId: m.messageId }, 'recording an SMS failed');
    } finally {
      this.#recording--;
      if (!this.#retrying.has(m.messageId)) this.#inHand.delete(m.messageId);
      if (this.#active === 0 && this.#recording === 0) this.#onIdle?.();
      if (!this.#closed) void this.#fill();
    }
  }

  async #onSendError(m: QueuedMessage, error: unknown, marking: Promise<boolean> | null): Promise<void> {
    if (!(error instanceof CarrierError)) {
      // Not sent (the broadcast text could not be read): still queued, try again later.
      if (!this.#aborted) this.#logger.error({ err: error, messageId: m.messageId }, 'preparing an SMS failed; will retry');
      return this.#retryLater(m);
    }
    if (error.kind === 'retry') {
      // The carrier did not take it. Back to queued if it had been marked sending; then again later.
      try {
        if (marking !== null && (await marking)) await this.#durably(() => this.#outbox.markQueued(m.messageId, error.message));
      } finally {
        this.#retryLater(m);
      }
    } else if (error.kind === 'rejected') {
      await this.#record(m, () => this.#outbox.markFailed(m, error.message));
    } else {
      this.#logger.warn({ messageId: m.messageId, reason: error.message }, 'SMS outcome unknown; held for a receipt');
      await this.#record(m, () => this.#outbox.markUnknown(m));
    }
  }

  /** Sends a message again after a backoff that grows with its attempts (the entry stays pending). */
  #retryLater(m: QueuedMessage): void {
    if (this.#closed) return;
    const attempts = (this.#attempts.get(m.messageId) ?? 0) + 1;
    this.#attempts.set(m.messageId, attempts);
    this.#retrying.add(m.messageId);
    this.#timers.after(Math.min(30_000, 250 * 2 ** Math.min(attempts, 7)), () => {
      this.#retrying.delete(m.messageId);
      this.#ready.unshift(m);
      void this.#fill();
    });
  }

  /**
   * A write that must not be lost while the process lives (a submit outcome): retried over about
   * 30 s when Redis is briefly away. Were it still lost, the stream entry stays pending and the
   * next start recovers the message.
   */
  async #durably<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (this.#closed || attempt >= 5) throw error;
        await this.#sleep(500 * 2 ** attempt);
      }
    }
  }

  /** A pause that close() ends at once. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#timers.cancel(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = this.#timers.after(ms, wake);
      this.#wakers.add(wake);
    });
  }

  async #record(m: QueuedMessage, write: () => Promise<MessageStatus>): Promise<void> {
    const status = await this.#durably(write);
    this.#attempts.delete(m.messageId);
    this.safeEmit('status', { broadcastId: m.broadcastId, messageId: m.messageId, to: m.to, status });
  }

  async #onReceipt(receipt: DeliveryReceipt): Promise<void> {
    await this.#recovered;
    const result = await this.#outbox.applyReceipt(receipt);
    if (result?.changed) {
      this.safeEmit('status', { broadcastId: broadcastOf(result.messageId), messageId: result.messageId, to: receipt.from, status: result.status });
    }
  }

  async #onInbound(message: InboundSms): Promise<void> {
    const id = await this.#outbox.recordInbound(message);
    this.#logger.info({ inboundId: id, from: message.from }, 'inbound SMS');
    this.safeEmit('inbound', { ...message, id });
  }
}
