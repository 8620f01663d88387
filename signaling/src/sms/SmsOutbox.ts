import { randomBytes } from 'node:crypto';
import { Redis, type ChainableCommander } from 'ioredis';
import { z } from 'zod';
import { getLogger, type Logger } from '../../../sfu/src/index.ts';
import type { DeliveryReceipt, InboundSms } from './CarrierLink.ts';
import { OUTBOX_SCRIPTS, type OutboxScriptName } from './outboxScripts.ts';
import {
  MESSAGE_STATUSES,
  broadcastSchema,
  recipientStatusSchema,
  type Broadcast,
  type BroadcastKind,
  type MessageStatus,
  type RecipientStatus,
} from './smsProtocol.ts';

export interface SmsOutboxOptions {
  redisUrl: string;
  /** Key prefix; one sending service per prefix. */
  prefix?: string;
  /** A sent (or unknown) message with no final receipt this long after is expired. */
  receiptTimeoutMs?: number;
}

/** A message read from the stream, to be sent. */
export interface QueuedMessage {
  messageId: string;
  entryId: string;
  broadcastId: string;
  to: string;
  clientRef: number;
}

export interface NewBroadcast {
  text: string;
  kind: BroadcastKind;
  ref: string | undefined;
  encoding: string;
  parts: number;
  duplicates: number;
}

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;
type WithScripts<T> = T & Record<OutboxScriptName, ScriptFn>;

const GROUP = 'g';
const CONSUMER = 'sender';
const entriesSchema = z.array(z.tuple([z.string(), z.array(z.string()).nullable()]));
const streamReplySchema = z.array(z.tuple([z.string(), entriesSchema])).nullable();
const receiptReplySchema = z.tuple([z.string(), z.string(), z.number()]);
const statusReplySchema = z.string();
const expireReplySchema = z.tuple([z.string(), z.string()]);

function formatDuration(ms: number): string {
  if (ms >= 3600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** Checks every entry of a pipeline/multi result: ioredis resolves them with per-command errors. */
function checkExec(results: Array<[Error | null, unknown]> | null, what: string): unknown[] {
  if (!results) throw new Error(`${what}: the transaction was aborted`);
  return results.map(([error, value]) => {
    if (error) throw new Error(`${what}: ${error.message}`);
    return value;
  });
}

/**
 * The persistent SMS outbox in Redis: broadcasts, one record per recipient, a stream (consumer
 * group) of messages to send, and the carrier-id index receipts are matched with. Every status
 * change is one Lua script (outboxScripts.ts). See README.md for the restart rule.
 */
export class SmsOutbox {
  readonly #redis: WithScripts<Redis>;
  readonly #prefix: string;
  readonly #receiptTimeoutMs: number;
  readonly #logger: Logger;
  #closed = false;

  static async create(options: SmsOutboxOptions): Promise<SmsOutbox> {
    // Writes are batched per event-loop turn, except "sending", which must leave in the same tick
    // as the submit_sm it announces (see README.md).
    const redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 2,
      enableAutoPipelining: true,
      autoPipeliningIgnoredCommands: ['smsSending'],
    });
    const outbox = new SmsOutbox(redis, options);
    redis.on('error', (err: Error) => outbox.#logger.warn({ err: err.message }, 'redis connection error'));
    await redis.connect();
    try {
      await redis.xgroup('CREATE', outbox.#key('q'), GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) {
        redis.disconnect();
        throw error;
      }
    }
    return outbox;
  }

  private constructor(redis: Redis, options: SmsOutboxOptions) {
    for (const [name, lua] of Object.entries(OUTBOX_SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 0, lua });
    this.#redis = redis as WithScripts<Redis>;
    this.#prefix = options.prefix ?? 'yl:sms:';
    this.#receiptTimeoutMs = options.receiptTimeoutMs ?? 48 * 3600_000;
    this.#logger = getLogger('SmsOutbox', { prefix: this.#prefix });
  }

  /** Calls `listener` each time the Redis connection is ready again after it dropped. */
  onReconnect(listener: () => void): void {
    this.#redis.on('ready', listener);
  }

  /** Connected: a write issued now goes out at once (nothing is held in an offline queue). */
  get ready(): boolean {
    const stream = this.#redis.stream as { writable?: boolean; writableEnded?: boolean } | undefined;
    return !this.#closed && this.#redis.status === 'ready' && stream?.writable === true && stream.writableEnded !== true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  /** As a crash would: the connection goes at once; writes already issued still reach Redis. */
  abort(): Promise<void> {
    this.#closed = true;
    if (this.#redis.status === 'end') return Promise.resolve();
    const ended = new Promise<void>((resolve) => this.#redis.once('end', () => resolve()));
    this.#redis.disconnect();
    return ended;
  }

  #key(...parts: string[]): string {
    return this.#prefix + parts.join(':');
  }

  #run(name: OutboxScriptName, ...args: Array<string | number>): Promise<unknown> {
    return this.#redis[name](this.#prefix, Date.now(), ...args);
  }

  #deadline(): number {
    return Date.now() + this.#receiptTimeoutMs;
  }

  // ---- broadcasts -----------------------------------------------------------------------------

  /** Writes a broadcast and all its messages in one script: all or nothing. */
  async createBroadcast(input: NewBroadcast, numbers: readonly string[]): Promise<Broadcast> {
    const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const meta = {
      id,
      kind: input.kind,
      ref: input.ref ?? '',
      text: input.text,
      encoding: input.encoding,
      parts: input.parts,
      total: numbers.length,
      duplicates: input.duplicates,
      createdAt: new Date().toISOString(),
    };
    const pairs = Object.entries(meta).flatMap(([k, v]) => [k, String(v)]);
    const seed = randomBytes(2).readUInt16BE(0);
    const created = await this.#run('smsCreate', id, input.parts, seed, pairs.length / 2, ...pairs, ...numbers);
    if (created !== numbers.length) throw new Error(`saving the broadcast stored ${String(created)} of ${numbers.length} messages`);
    return this.#toBroadcast(meta, { queued: numbers.length });
  }

  async getBroadcast(id: string): Promise<Broadcast | null> {
    const [meta, counts] = checkExec(
      await this.#redis.multi().hgetall(this.#key('b', id)).hgetall(this.#key('b', id, 'n')).exec(),
      'reading the broadcast',
    ) as [Record<string, string>, Record<string, string>];
    if (!meta.id) return null;
    return this.#toBroadcast(meta, counts);
  }

  /** Newest first. */
  async listBroadcasts(limit = 50): Promise<Broadcast[]> {
    const ids = await this.#redis.zrevrange(this.#key('bs'), 0, limit - 1);
    const all = await Promise.all(ids.map((id) => this.getBroadcast(id)));
    return all.filter((b): b is Broadcast => b !== null);
  }

  async getText(broadcastId: string): Promise<string | null> {
    return this.#redis.hget(this.#key('b', broadcastId), 'text');
  }

  /** Recipients in the order given, at most 5,000 per call. */
  async getRecipients(broadcastId: string, offset = 0, limit = 500): Promise<RecipientStatus[]> {
    const total = Number(await this.#redis.hget(this.#key('b', broadcastId), 'total'));
    const from = Math.max(0, offset);
    const end = Math.min(Number.isFinite(total) ? total : 0, from + Math.min(Math.max(0, limit), 5000));
    if (end <= from) return [];
    const pipeline = this.#redis.pipeline();
    for (let i = from; i < end; i++) pipeline.hmget(this.#key('m', `${broadcastId}.${i}`), 'to', 'st', 'ids', 'err', 'at');
    const rows = checkExec(await pipeline.exec(), 'reading recipients') as Array<Array<string | null>>;
    return rows.map(([to, st, ids, err, at], k) =>
      recipientStatusSchema.parse({
        messageId: `${broadcastId}.${from + k}`,
        to,
        status: st,
        carrierIds: ids ? ids.split(',') : [],
        error: err ?? undefined,
        updatedAt: new Date(Number(at)).toISOString(),
      }),
    );
  }

  #toBroadcast(meta: Record<string, string | number>, counts: Record<string, string | number>): Broadcast {
    const statusCounts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, Number(counts[s] ?? 0)]));
    const total = Number(meta.total);
    const final = statusCounts.delivered! + statusCounts.failed! + statusCounts.expired!;
    return broadcastSchema.parse({
      id: meta.id,
      kind: meta.kind,
      ref: meta.ref || undefined,
      text: meta.text,
      encoding: meta.encoding,
      parts: Number(meta.parts),
      recipients: total,
      duplicatesRemoved: Number(meta.duplicates ?? 0),
      createdAt: meta.createdAt,
      counts: statusCounts,
      done: final === total,
    });
  }

  // ---- the send queue ---------------------------------------------------------------------------

  /**
   * The stream entries this consumer read but never acknowledged (after a restart), except those
   * the service still holds (`inHand`). Messages still `queued` are returned to be sent; `sending`
   * ones become `unknown` (see README.md); the rest are acknowledged.
   */
  async recover(inHand: ReadonlySet<string> = new Set()): Promise<{ queued: QueuedMessage[]; unknown: number }> {
    const queued: QueuedMessage[] = [];
    let unknown = 0;
    let from = '0';
    for (;;) {
      const read = await this.#read(from, 500);
      if (read.length === 0) break;
      from = read[read.length - 1]!.entryId;
      // Messages the service still handles are not stranded.
      const batch = read.filter((m) => !inHand.has(m.messageId));
      if (batch.length === 0) continue;
      const pipeline = this.#redis.pipeline() as WithScripts<ChainableCommander>;
      const deadline = this.#deadline();
      for (const m of batch) pipeline.smsRecover(this.#prefix, Date.now(), m.messageId, m.entryId, deadline);
      const results = checkExec(await pipeline.exec(), 'recovering the outbox');
      results.forEach((r, i) => {
        if (r === 'queued') queued.push(batch[i]!);
        else if (r === 'unknown') unknown++;
      });
    }
    if (queued.length > 0 || unknown > 0) this.#logger.info({ queued: queued.length, unknown }, 'took back outbox entries nobody was handling');
    return { queued, unknown };
  }

  /** Messages nobody has read yet (they stay pending for this consumer until acknowledged). */
  readNew(count: number): Promise<QueuedMessage[]> {
    return this.#read('>', count);
  }

  async #read(from: string, count: number): Promise<QueuedMessage[]> {
    const reply = await this.#redis.xreadgroup('GROUP', GROUP, CONSUMER, 'COUNT', count, 'STREAMS', this.#key('q'), from);
    const streams = streamReplySchema.parse(reply);
    const entries = streams?.[0]?.[1] ?? [];
    return entries.flatMap(([entryId, fields]) => {
      if (fields === null) {
        // Deleted but still pending: nothing left to send.
        void this.#redis.xack(this.#key('q'), GROUP, entryId).catch((err: Error) => this.#logger.warn({ err: err.message }, 'xack failed'));
        return [];
      }
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      if (!f.m || !f.b || !f.t) {
        this.#logger.error({ entryId }, 'malformed outbox entry; skipped');
        return [];
      }
      return [{ messageId: f.m, entryId, broadcastId: f.b, to: f.t, clientRef: Number(f.r ?? 0) }];
    });
  }

  // ---- status changes ---------------------------------------------------------------------------

  /** queued → sending; issued synchronously (the write leaves in this tick). */
  async markSending(messageId: string): Promise<boolean> {
    return (await this.#run('smsSending', messageId)) === 1;
  }

  /** sending → queued: the carrier did not take it, it will be sent again. */
  async markQueued(messageId: string, reason: string): Promise<boolean> {
    return (await this.#run('smsRequeue', messageId, reason)) === 1;
  }

  async markSent(m: QueuedMessage, carrierIds: readonly string[]): Promise<MessageStatus> {
    const ttl = Math.ceil(this.#receiptTimeoutMs / 1000) + 3600;
    return this.#status(await this.#run('smsSent', m.messageId, m.entryId, this.#deadline(), ttl, ...carrierIds));
  }

  async markFailed(m: QueuedMessage, reason: string): Promise<MessageStatus> {
    return this.#status(await this.#run('smsFailed', m.messageId, m.entryId, reason));
  }

  async markUnknown(m: QueuedMessage): Promise<MessageStatus> {
    return this.#status(await this.#run('smsUnknown', m.messageId, m.entryId, this.#deadline()));
  }

  /**
   * Records a delivery receipt: the message it matched, its status and whether that changed; null
   * when it matched no message yet (it is kept for a while) or was an intermediate one.
   */
  async applyReceipt(r: DeliveryReceipt): Promise<{ messageId: string; status: MessageStatus; changed: boolean } | null> {
    const ttl = Math.ceil(this.#receiptTimeoutMs / 1000);
    const cref = r.clientRef === undefined ? '' : String(r.clientRef);
    const reply = receiptReplySchema.parse(await this.#run('smsReceipt', r.carrierId, r.from, r.outcome, r.stat, r.err, cref, ttl));
    return reply[0] ? { messageId: reply[0], status: this.#status(reply[1]), changed: reply[2] === 1 } : null;
  }

  /** Expires messages past their receipt deadline; returns those expired. */
  async expireOverdue(limit = 500): Promise<Array<{ messageId: string; to: string }>> {
    const due = await this.#redis.zrangebyscore(this.#key('dl'), '-inf', Date.now(), 'LIMIT', 0, limit);
    if (due.length === 0) return [];
    const pipeline = this.#redis.pipeline() as WithScripts<ChainableCommander>;
    const reason = `no final delivery receipt within ${formatDuration(this.#receiptTimeoutMs)}`;
    for (const mid of due) pipeline.smsExpire(this.#prefix, Date.now(), mid, reason);
    const results = checkExec(await pipeline.exec(), 'expiring messages').map((r) => expireReplySchema.parse(r));
    return due.flatMap((messageId, i) => (results[i]![0] === 'expired' ? [{ messageId, to: results[i]![1] }] : []));
  }

  /** Appends an inbound message to the inbound stream (kept to the latest 100,000). */
  async recordInbound(m: InboundSms): Promise<string> {
    const id = await this.#redis.xadd(this.#key('in'), 'MAXLEN', '~', 100_000, '*', 'from', m.from, 'to', m.to, 'text', m.text, 'at', m.receivedAt);
    if (!id) throw new Error('recording the inbound message failed');
    return id;
  }

  #status(value: unknown): MessageStatus {
    const s = statusReplySchema.parse(value);
    const parsed = z.enum(MESSAGE_STATUSES).safeParse(s);
    if (!parsed.success) throw new Error(`the message record is missing or damaged (${s})`);
    return parsed.data;
  }
}
