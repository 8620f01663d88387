import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureLogging } from '../../../sfu/src/index.ts';
import { freePort } from '../../../test/helpers/stack.ts';
import { RedisServer } from './RedisServer.ts';

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('RedisServer', () => {
  beforeAll(() => configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent' }));
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-redis-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(dir: string, port: number): Promise<RedisServer> {
    const server = await RedisServer.create({ port, dir });
    cleanups.push(() => server.close());
    return server;
  }

  function client(server: RedisServer): Redis {
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    cleanups.push(async () => void redis.disconnect());
    return redis;
  }

  it('starts a redis-server on loopback that answers commands', async () => {
    const server = await start(await tempDir(), await freePort());
    expect(isAlive(server.pid)).toBe(true);
    const redis = client(server);
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
  });

  it('keeps every acknowledged write after being killed with SIGKILL and restarted on the same folder', async () => {
    const dir = await tempDir();
    const port = await freePort();
    const first = await start(dir, port);
    const redis = client(first);
    for (let i = 0; i < 200; i++) await redis.xadd('yl:test', '*', 'n', String(i));
    await redis.set('yl:last', 'written before the crash');

    const died = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => first.once('died', (code, signal) => resolve([code, signal])));
    process.kill(first.pid!, 'SIGKILL');
    expect(await died).toEqual([null, 'SIGKILL']);
    redis.disconnect();

    const second = await start(dir, port);
    expect(second.pid).not.toBe(first.pid);
    const again = client(second);
    expect(await again.xlen('yl:test')).toBe(200);
    expect(await again.get('yl:last')).toBe('written before the crash');
    const [last] = await again.xrevrange('yl:test', '+', '-', 'COUNT', 1);
    expect(last?.[1]).toEqual(['n', '199']);
  });

  it('close() resolves only once the process has exited, and can be called again', async () => {
    const server = await start(await tempDir(), await freePort());
    const pid = server.pid;
    let died = false;
    server.on('died', () => {
      died = true;
    });
    await server.close();
    expect(isAlive(pid)).toBe(false);
    await server.close();
    expect(died).toBe(false);
  });

  it('rejects create() when the binary cannot be run or exits at once', async () => {
    const dir = await tempDir();
    const port = await freePort();
    await expect(RedisServer.create({ port, dir, bin: path.join(dir, 'no-such-redis-server') })).rejects.toThrow(
      /redis-server could not be run/,
    );
    await expect(RedisServer.create({ port, dir, bin: '/bin/false' })).rejects.toThrow(/redis-server failed to start \(exit 1\)/);
  });

  it('rejects create() when its port is already taken by another redis-server', async () => {
    const port = await freePort();
    await start(await tempDir(), port);
    await expect(RedisServer.create({ port, dir: await tempDir() })).rejects.toThrow(/failed to start/);
  });
});
