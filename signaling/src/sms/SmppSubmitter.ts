import smpp, { type PDU, type Session } from 'smpp';
import type { Logger } from '../../../sfu/src/index.ts';
import { CarrierError, type CarrierErrorKind, type OutgoingSms, type SubmitHooks } from './CarrierLink.ts';
import { SMPP_STATUS, TRANSIENT_STATUSES, normalizeMessageId, submitSmRespSchema, type MessageIdFormat } from './smppPdu.ts';
import { TokenBucket } from './TokenBucket.ts';

export interface SmppSubmitterOptions {
  window: number;
  maxPerSecond: number;
  throttleMinMs: number;
  throttleMaxMs: number;
  maxPartRetries: number;
  submitIdFormat: MessageIdFormat;
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destAddrTon: number;
  destAddrNpi: number;
}

interface Job {
  message: OutgoingSms;
  hooks: SubmitHooks | undefined;
  resolve: (ids: string[]) => void;
  reject: (error: CarrierError) => void;
  ids: string[];
  accepted: number;
  written: number;
  settled: boolean;
}
interface PartSend {
  job: Job;
  index: number;
  attempts: number;
}
interface Inflight extends PartSend {
  sentAt: number;
}

export const hexStatus = (status: number) => `0x${status.toString(16).padStart(4, '0')}`;

const corked = new WeakSet<object>();

/**
 * Joins the PDUs written to a session in this tick into one socket write (cork until nextTick):
 * several submits freed by one read, or the answers to a batch of receipts, leave together.
 */
export function batchWrites(session: Session): void {
  const socket = session.socket;
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}

/**
 * The submit side of an SMPP link: messages wait here until the session is bound, the window has
 * room for the whole message (or a full window for a very long one), the rate limit allows it and
 * no throttling backoff holds; then onWrite is called and the parts are written in the same tick.
 * Owned by SmppCarrierLink, which attaches and detaches the bound session.
 */
export class SmppSubmitter {
  readonly #options: SmppSubmitterOptions;
  readonly #logger: Logger;
  readonly #jobs: Job[] = [];
  readonly #parts: PartSend[] = [];
  readonly #inflight = new Map<number, Inflight>();
  readonly #rate: TokenBucket | undefined;
  #session: Session | null = null;
  #accepting = true;
  #pumpTimer: NodeJS.Timeout | undefined;
  #throttleUntil = 0;
  #throttleDelay: number;
  /** The window actually used: halved when the SMSC throttles, regrown by one per window of successes. */
  #window: number;
  #windowCredit = 0;
  #onDrained: (() => void) | null = null;

  constructor(options: SmppSubmitterOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
    this.#throttleDelay = options.throttleMinMs;
    this.#window = options.window;
    if (options.maxPerSecond > 0) {
      const burst = Math.min(options.window, Math.ceil(options.maxPerSecond));
      this.#rate = new TokenBucket({ ratePerSecond: options.maxPerSecond, burst });
    }
  }

  get waiting(): number {
    return this.#jobs.length + this.#parts.length;
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  /** Age of the oldest request without an answer, in ms (0 when none). */
  oldestInflightMs(now: number): number {
    let oldest = now;
    for (const f of this.#inflight.values()) oldest = Math.min(oldest, f.sentAt);
    return now - oldest;
  }

  submit(message: OutgoingSms, hooks?: SubmitHooks): Promise<string[]> {
    if (!this.#accepting) return Promise.reject(new CarrierError('retry', 'the SMS link is closed'));
    if (message.parts.length === 0) return Promise.reject(new CarrierError('rejected', 'the message has no parts'));
    return new Promise((resolve, reject) => {
      this.#jobs.push({ message, hooks, resolve, reject, ids: [], accepted: 0, written: 0, settled: false });
      this.pump();
    });
  }

  /** The session is bound: start writing. */
  attach(session: Session): void {
    this.#session = session;
    this.pump();
  }

  /** The session is gone: whatever was written without an answer is now uncertain. */
  detach(): void {
    this.#session = null;
    for (const f of this.#inflight.values()) this.#fail(f.job, 'uncertain', 'the connection to the SMSC was lost before its answer');
    this.#inflight.clear();
    for (const p of this.#parts.splice(0)) this.#fail(p.job, 'uncertain', 'the connection to the SMSC was lost in the middle of a long message');
    this.#onDrained?.();
  }

  /** Stops taking messages; those not started fail as `retry` (nothing of them was written). */
  stopAccepting(): void {
    this.#accepting = false;
    for (const job of this.#jobs.splice(0)) this.#fail(job, 'retry', 'the SMS link closed before the message was sent');
  }

  /** Resolves once every written request has its answer and started long messages are complete. */
  waitDrained(timeoutMs: number): Promise<void> {
    if (this.#inflight.size === 0 && this.#parts.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#onDrained = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#onDrained = done;
    });
  }

  close(): void {
    this.stopAccepting();
    clearTimeout(this.#pumpTimer);
    this.detach();
  }

  pump(): void {
    const session = this.#session;
    if (!session) return;
    const now = Date.now();
    if (now < this.#throttleUntil) return this.#pumpLater(this.#throttleUntil - now);
    const window = this.#window;
    // Parts of messages already started go first, so a long message completes.
    while (this.#parts.length > 0 && this.#inflight.size < window) {
      if (this.#rate && !this.#rate.take(1)) return this.#pumpLater(this.#rate.waitMs(1));
      const p = this.#parts.shift()!;
      if (!p.job.settled && !this.#write(session, p)) return;
    }
    if (this.#parts.length > 0) return;
    while (this.#jobs.length > 0) {
      const job = this.#jobs[0]!;
      const first = Math.min(job.message.parts.length, window, this.#rate?.burst ?? window);
      if (window - this.#inflight.size < first) return;
      if (this.#rate && !this.#rate.take(first)) return this.#pumpLater(this.#rate.waitMs(first));
      this.#jobs.shift();
      if (!this.#callOnWrite(job)) continue;
      for (let index = 0; index < job.message.parts.length; index++) {
        const p = { job, index, attempts: 0 };
        if (index >= first) this.#parts.push(p);
        else if (!this.#write(session, p)) return;
      }
    }
  }

  #pumpLater(delayMs: number): void {
    if (this.#pumpTimer) return;
    this.#pumpTimer = setTimeout(() => {
      this.#pumpTimer = undefined;
      this.pump();
    }, Math.max(1, delayMs));
  }

  #callOnWrite(job: Job): boolean {
    try {
      if (job.hooks?.onWrite?.() !== false) return true;
      this.#fail(job, 'retry', 'the sender was not ready to record the message');
    } catch (error) {
      this.#logger.error({ err: error }, 'onWrite hook threw');
      this.#fail(job, 'retry', 'the sender failed to record the message');
    }
    return false;
  }

  #write(session: Session, p: PartSend): boolean {
    const o = this.#options;
    const { job } = p;
    const part = job.message.parts[p.index]!;
    const pdu = new smpp.PDU('submit_sm', {
      source_addr_ton: o.sourceAddrTon,
      source_addr_npi: o.sourceAddrNpi,
      source_addr: o.sourceAddr,
      dest_addr_ton: o.destAddrTon,
      dest_addr_npi: o.destAddrNpi,
      destination_addr: job.message.to,
      esm_class: part.esmClass,
      registered_delivery: 0x01,
      data_coding: job.message.dataCoding,
      short_message: part.shortMessage,
      user_message_reference: job.message.clientRef & 0xffff,
    });
    batchWrites(session);
    if (!session.send(pdu, (resp: PDU) => this.#onResponse(session, pdu.sequence_number, resp))) {
      this.#fail(job, job.written > 0 ? 'uncertain' : 'retry', 'the connection to the SMSC is not writable');
      return false;
    }
    job.written++;
    this.#inflight.set(pdu.sequence_number, { ...p, sentAt: Date.now() });
    return true;
  }

  #onResponse(session: Session, seq: number, resp: PDU): void {
    const f = this.#inflight.get(seq);
    if (!f || this.#session !== session) return;
    this.#inflight.delete(seq);
    const parsed = submitSmRespSchema.safeParse(resp);
    const status = parsed.success ? parsed.data.command_status : -1;
    const { job } = f;
    const total = job.message.parts.length;
    if (status === SMPP_STATUS.OK) {
      this.#throttleDelay = this.#options.throttleMinMs;
      if (this.#window < this.#options.window && (this.#windowCredit += 1 / this.#window) >= 1) {
        this.#window++;
        this.#windowCredit = 0;
      }
      const rawId = parsed.data?.message_id ?? '';
      if (!rawId) {
        this.#fail(job, 'uncertain', 'the SMSC accepted a part without giving a message id');
      } else if (!job.settled) {
        job.ids[f.index] = normalizeMessageId(rawId, this.#options.submitIdFormat);
        if (++job.accepted === total) {
          job.settled = true;
          job.resolve(job.ids);
        }
      }
    } else if (TRANSIENT_STATUSES.has(status)) {
      this.#backOff(status);
      if (total === 1) this.#fail(job, 'retry', `the SMSC is busy (status ${hexStatus(status)})`, status);
      else if (f.attempts < this.#options.maxPartRetries) this.#parts.push({ job, index: f.index, attempts: f.attempts + 1 });
      else this.#fail(job, 'rejected', `the SMSC kept refusing part ${f.index + 1} of ${total} (status ${hexStatus(status)})`, status);
    } else {
      const what = status === -1 ? 'an unreadable answer' : `status ${hexStatus(status)}`;
      this.#fail(job, 'rejected', `the SMSC refused the message (${what})`, status === -1 ? undefined : status);
    }
    if (this.#inflight.size === 0 && this.#parts.length === 0) this.#onDrained?.();
    this.pump();
  }

  #backOff(status: number): void {
    const now = Date.now();
    if (now < this.#throttleUntil) return;
    this.#window = Math.max(1, Math.floor(this.#window / 2));
    this.#windowCredit = 0;
    this.#logger.warn({ status: hexStatus(status), backoffMs: this.#throttleDelay, window: this.#window }, 'the SMSC is throttling; backing off');
    this.#throttleUntil = now + this.#throttleDelay;
    this.#throttleDelay = Math.min(this.#throttleDelay * 2, this.#options.throttleMaxMs);
  }

  #fail(job: Job, kind: CarrierErrorKind, message: string, status?: number): void {
    if (job.settled) return;
    job.settled = true;
    job.reject(new CarrierError(kind, message, status));
  }
}
