import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configureLogging } from '../../../sfu/src/index.ts';
import { readAuditRecords, rewriteAuditRecords } from '../../../test/helpers/audit.ts';
import { freePort } from '../../../test/helpers/stack.ts';
import { RedisServer } from '../redis/RedisServer.ts';
import { keys } from '../store/keys.ts';
import { AuditLog, chainHash, GENESIS_HASH, type AuditEntry } from './AuditLog.ts';

const entry = (n: number, action = 'meeting.create'): AuditEntry => ({
  at: new Date(Date.UTC(2026, 10, 22, 8, 0, n)).toISOString(),
  actor: n % 2 ? 'chair' : 'admin',
  action,
  source: '127.0.0.1',
  target: `meeting:m${n}`,
  after: { title: `云溪县会议 ${n}` },
});

describe('AuditLog', () => {
  let dir: string;
  let server: RedisServer;
  let redis: Redis;
  let audit: AuditLog;

  beforeAll(async () => {
    configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-audit-test-'));
    server = await RedisServer.create({ port: await freePort(), dir });
    redis = new Redis(server.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await redis.flushall();
    audit = new AuditLog(redis);
  });

  async function appendMany(count: number): Promise<string[]> {
    for (let n = 0; n < count; n++) await audit.append(entry(n));
    return (await readAuditRecords(redis)).map((r) => r.id);
  }

  it('verifies an empty log and a fresh log of several entries', async () => {
    await expect(audit.verify()).resolves.toEqual({ ok: true, count: 0 });
    await appendMany(5);
    await expect(audit.verify()).resolves.toEqual({ ok: true, count: 5 });
  });

  it('chains each record to the previous one from the genesis hash, with the head pointing at the last', async () => {
    await appendMany(3);
    const records = await readAuditRecords(redis);
    expect(records[0]!.fields.prev).toBe(GENESIS_HASH);
    for (let i = 0; i < records.length; i++) {
      const { prev, entry: json, hash } = records[i]!.fields;
      expect(hash).toBe(chainHash(prev!, json!));
      if (i > 0) expect(prev).toBe(records[i - 1]!.fields.hash);
    }
    expect(JSON.parse(records[2]!.fields.entry!)).toMatchObject({ actor: 'admin', target: 'meeting:m2' });
    expect(await redis.get(keys.auditHead)).toBe(records[2]!.fields.hash);
  });

  it('keeps the chain intact when many appends arrive at once', async () => {
    await Promise.all(Array.from({ length: 60 }, (_, n) => audit.append(entry(n, 'login'))));
    await expect(audit.verify()).resolves.toEqual({ ok: true, count: 60 });
  });

  it('reports an intact chain when it is checked while entries are still being appended', async () => {
    const appends = Promise.all(Array.from({ length: 200 }, (_, n) => audit.append(entry(n, 'login'))));
    const during = await Promise.all([audit.verify(), audit.verify(), audit.verify()]);
    await appends;
    for (const result of during) expect(result.ok).toBe(true);
    await expect(audit.verify()).resolves.toEqual({ ok: true, count: 200 });
  });

  it('refuses to append an entry that does not fit the schema, leaving the log unchanged', async () => {
    await appendMany(1);
    await expect(audit.append({ at: 'now', actor: 'x' } as unknown as AuditEntry)).rejects.toThrow();
    await expect(audit.verify()).resolves.toEqual({ ok: true, count: 1 });
  });

  it('detects an entry whose content was altered', async () => {
    const ids = await appendMany(5);
    await rewriteAuditRecords(redis, (records) =>
      records.map((r) =>
        r.id === ids[2] ? { ...r, fields: { ...r.fields, entry: r.fields.entry!.replace('"actor":"admin"', '"actor":"chair"') } } : r,
      ),
    );
    await expect(audit.verify()).resolves.toEqual({
      ok: false,
      count: 2,
      brokenAt: ids[2],
      reason: 'record content does not match its hash',
    });
  });

  it('detects an altered entry even when its own hash was recomputed', async () => {
    const ids = await appendMany(5);
    await rewriteAuditRecords(redis, (records) =>
      records.map((r) => {
        if (r.id !== ids[1]) return r;
        const forged = r.fields.entry!.replace('"actor":"chair"', '"actor":"admin"');
        return { ...r, fields: { ...r.fields, entry: forged, hash: chainHash(r.fields.prev!, forged) } };
      }),
    );
    await expect(audit.verify()).resolves.toMatchObject({ ok: false, count: 2, brokenAt: ids[2], reason: 'previous hash does not match' });
  });

  it('detects an entry deleted from the middle or from the start', async () => {
    const ids = await appendMany(5);
    await redis.xdel(keys.audit, ids[3]!);
    await expect(audit.verify()).resolves.toMatchObject({ ok: false, count: 3, brokenAt: ids[4], reason: 'previous hash does not match' });

    await redis.flushall();
    const again = await appendMany(3);
    await redis.xdel(keys.audit, again[0]!);
    await expect(audit.verify()).resolves.toMatchObject({ ok: false, count: 0, brokenAt: again[1] });
  });

  it('detects the newest entries being cut off the end of the log', async () => {
    const ids = await appendMany(5);
    await redis.xdel(keys.audit, ids[3]!, ids[4]!);
    await expect(audit.verify()).resolves.toEqual({ ok: false, count: 3, reason: 'records are missing at the end of the log' });
  });

  it('detects the whole log being emptied', async () => {
    await appendMany(4);
    await redis.del(keys.audit);
    await expect(audit.verify()).resolves.toMatchObject({ ok: false, count: 0, reason: 'records are missing at the end of the log' });
  });

  it('walks logs longer than one read batch', async () => {
    const pipeline = redis.pipeline();
    let prev = GENESIS_HASH;
    for (let n = 0; n < 2500; n++) {
      const json = JSON.stringify(entry(n, 'login'));
      const hash = chainHash(prev, json);
      pipeline.xadd(keys.audit, '*', 'entry', json, 'prev', prev, 'hash', hash);
      prev = hash;
    }
    pipeline.set(keys.auditHead, prev);
    await pipeline.exec();
    await expect(audit.verify()).resolves.toEqual({ ok: true, count: 2500 });
    await audit.append(entry(1));
    await expect(audit.verify()).resolves.toEqual({ ok: true, count: 2501 });
  });
});
