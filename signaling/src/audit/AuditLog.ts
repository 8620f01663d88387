import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { KeyedQueue } from '../../../sfu/src/index.ts';
import { keys } from '../store/keys.ts';

export const auditEntrySchema = z.object({
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  /** Source address of the request that caused it. */
  source: z.string(),
  target: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const GENESIS_HASH = '0'.repeat(64);

/** sha256 over the previous hash and the canonical JSON of the entry. */
export function chainHash(prevHash: string, entryJson: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(entryJson).digest('hex');
}

/**
 * Append-only, hash-chained audit log in a Redis stream: each record carries the hash of the
 * previous one, so a removed or altered record breaks the chain. Appends are serialised.
 */
export class AuditLog {
  readonly #redis: Redis;
  readonly #queue = new KeyedQueue();

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async append(entry: AuditEntry): Promise<void> {
    const json = JSON.stringify(auditEntrySchema.parse(entry));
    await this.#queue.push('append', async () => {
      const prev = (await this.#redis.get(keys.auditHead)) ?? GENESIS_HASH;
      const hash = chainHash(prev, json);
      const results = await this.#redis
        .multi()
        .xadd(keys.audit, '*', 'entry', json, 'prev', prev, 'hash', hash)
        .set(keys.auditHead, hash)
        .exec();
      if (!results) throw new Error('audit append aborted');
      for (const [err] of results) if (err) throw err;
    });
  }

  /** Walks the whole chain; returns the first broken record, if any. */
  async verify(): Promise<{ ok: boolean; count: number; brokenAt?: string; reason?: string }> {
    // The head is read first: records appended while the log is being walked come after it and
    // are checked too, but cannot be mistaken for a cut-off tail.
    const head = (await this.#redis.get(keys.auditHead)) ?? GENESIS_HASH;
    let headSeen = head === GENESIS_HASH;
    let prev = GENESIS_HASH;
    let count = 0;
    let cursor = '-';
    for (;;) {
      const batch = await this.#redis.xrange(keys.audit, cursor, '+', 'COUNT', 1000);
      const rows = cursor === '-' ? batch : batch.slice(1);
      if (rows.length === 0) break;
      for (const [id, fields] of rows) {
        const record = Object.fromEntries(chunkPairs(fields));
        if (record.prev !== prev) return { ok: false, count, brokenAt: id, reason: 'previous hash does not match' };
        if (chainHash(prev, record.entry ?? '') !== record.hash) {
          return { ok: false, count, brokenAt: id, reason: 'record content does not match its hash' };
        }
        prev = record.hash;
        if (prev === head) headSeen = true;
        count++;
        cursor = id;
      }
    }
    if (!headSeen) return { ok: false, count, reason: 'records are missing at the end of the log' };
    return { ok: true, count };
  }
}

function chunkPairs(fields: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([fields[i]!, fields[i + 1]!]);
  return pairs;
}
