import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureLogging } from '../../../sfu/src/index.ts';
import { readAuditRecords, rewriteAuditRecords } from '../../../test/helpers/audit.ts';
import { freePort } from '../../../test/helpers/stack.ts';
import { RedisServer } from '../redis/RedisServer.ts';
import { AuditLog } from './AuditLog.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs `npm run audit:verify`'s command as a child process with only the given environment. */
function runVerify(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'signaling/src/audit/verify.ts'],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run audit:verify', () => {
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(() => configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent' }));
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-verify-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  async function redisWithLog(dir: string, port: number, entries: number): Promise<{ server: RedisServer; redis: Redis }> {
    const server = await RedisServer.create({ port, dir });
    const redis = new Redis(server.url);
    cleanups.push(async () => {
      redis.disconnect();
      await server.close();
    });
    const audit = new AuditLog(redis);
    for (let n = 0; n < entries; n++) {
      await audit.append({ at: new Date().toISOString(), actor: 'chair', action: 'meeting.create', source: '127.0.0.1', target: `meeting:${n}` });
    }
    return { server, redis };
  }

  it('reports an intact chain with its length and exits 0, then exits 1 naming the entry after one is altered', async () => {
    const { server, redis } = await redisWithLog(await dataDir(), await freePort(), 4);
    const env = { REDIS_URL: server.url };

    const fresh = await runVerify(env);
    expect(fresh.stdout.trim()).toBe('audit chain ok: 4 entries');
    expect(fresh.code).toBe(0);

    const ids = (await readAuditRecords(redis)).map((r) => r.id);
    await rewriteAuditRecords(redis, (records) =>
      records.map((r) => (r.id === ids[1] ? { ...r, fields: { ...r.fields, entry: r.fields.entry!.replace('"chair"', '"admin"') } } : r)),
    );
    const tampered = await runVerify(env);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`audit chain BROKEN at entry ${ids[1]}`);
    expect(tampered.stdout).toContain('record content does not match its hash');
  });

  it('reports entries cut off the end of the log', async () => {
    const { server, redis } = await redisWithLog(await dataDir(), await freePort(), 3);
    const ids = (await readAuditRecords(redis)).map((r) => r.id);
    await redis.xdel('yl:audit', ids[2]!);
    const result = await runVerify({ REDIS_URL: server.url });
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe('audit chain BROKEN after 2 intact entries: records are missing at the end of the log');
  });

  it('starts the embedded Redis of the data folder when the server is not running, and stops it again', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const { server, redis } = await redisWithLog(path.join(dir, 'redis'), port, 3);
    redis.disconnect();
    await server.close();
    expect(await portAnswers(port)).toBe(false);

    const result = await runVerify({ DATA_DIR: dir, EMBEDDED_REDIS_PORT: String(port) });
    expect(result.stdout.trim()).toBe('audit chain ok: 3 entries');
    expect(result.code).toBe(0);
    expect(await portAnswers(port)).toBe(false);
  });

  it('uses the running server’s embedded Redis and leaves it running', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const { redis } = await redisWithLog(path.join(dir, 'redis'), port, 2);

    const result = await runVerify({ DATA_DIR: dir, EMBEDDED_REDIS_PORT: String(port) });
    expect(result.stdout.trim()).toBe('audit chain ok: 2 entries');
    expect(result.code).toBe(0);
    expect(await redis.ping()).toBe('PONG');
  });

  it('refuses to check a Redis that serves another data folder, or a data folder that has none', async () => {
    const port = await freePort();
    await redisWithLog(path.join(await dataDir(), 'redis'), port, 1);
    const other = await dataDir();
    const missing = await runVerify({ DATA_DIR: other, EMBEDDED_REDIS_PORT: String(port) });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no embedded Redis data in');

    await redisWithLog(path.join(other, 'redis'), await freePort(), 0).then(({ redis, server }) => {
      redis.disconnect();
      return server.close();
    });
    const mismatch = await runVerify({ DATA_DIR: other, EMBEDDED_REDIS_PORT: String(port) });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/serves .*, not /);
  });

  it('exits 2 when REDIS_URL does not answer', async () => {
    const result = await runVerify({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Redis at REDIS_URL does not answer');
  });
});
