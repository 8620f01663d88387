import type { Redis } from 'ioredis';
import { keys } from '../../signaling/src/store/keys.ts';

export type AuditRecord = { id: string; fields: Record<string, string> };

/** The audit stream's records as stored, oldest first. */
export async function readAuditRecords(redis: Redis): Promise<AuditRecord[]> {
  const rows = await redis.xrange(keys.audit, '-', '+');
  return rows.map(([id, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    return { id, fields };
  });
}

/**
 * Rewrites the audit stream the way someone with Redis access could: deletes it and adds the
 * records back at their original ids, after `edit` has changed, dropped or kept each one.
 */
export async function rewriteAuditRecords(redis: Redis, edit: (records: AuditRecord[]) => AuditRecord[]): Promise<void> {
  const records = edit(await readAuditRecords(redis));
  await redis.del(keys.audit);
  for (const { id, fields } of records) {
    await redis.xadd(keys.audit, id, ...Object.entries(fields).flat());
  }
}
