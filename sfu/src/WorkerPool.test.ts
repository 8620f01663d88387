import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureLogging } from './lib/logger.ts';
import { WorkerPool, type WorkerPoolOptions } from './WorkerPool.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const options = (numWorkers: number): WorkerPoolOptions => ({
  numWorkers,
  rtcPortBase: 10000 + Math.floor(Math.random() * 18000), // below the ephemeral ports (see test/helpers/stack.ts)
  rtcListenIp: '127.0.0.1',
  announcedAddress: '127.0.0.1',
  workerLogLevel: 'error',
});

describe('WorkerPool', () => {
  const pools: WorkerPool[] = [];
  beforeAll(() => configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent' }));
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.close();
  });

  async function create(numWorkers: number, opts = options(numWorkers)): Promise<WorkerPool> {
    const pool = await WorkerPool.create(opts);
    pools.push(pool);
    return pool;
  }

  it('starts the requested number of workers, each with its own WebRtcServer port', async () => {
    const opts = options(3);
    const pool = await create(3, opts);
    expect(pool.slots.map((s) => s.index)).toEqual([0, 1, 2]);
    const pids = pool.slots.map((s) => s.worker.pid);
    expect(new Set(pids).size).toBe(3);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
    for (const slot of pool.slots) {
      const dump = await slot.webRtcServer.dump();
      const ports = [...dump.udpSockets, ...dump.tcpServers].map((s) => s.port);
      expect(ports).toEqual([opts.rtcPortBase + slot.index, opts.rtcPortBase + slot.index]);
    }
  });

  it('picks the least loaded worker, preferring one under the consumer budget', async () => {
    const pool = await create(2);
    const [a, b] = pool.slots as [NonNullable<(typeof pool.slots)[0]>, NonNullable<(typeof pool.slots)[1]>];
    a.consumers = 10;
    b.consumers = 3;
    expect(pool.pick().index).toBe(1);
    expect(pool.pick({ exclude: [1] }).index).toBe(0);
    b.consumers = 600;
    expect(pool.pick({ maxConsumers: 500 }).index).toBe(0);
    a.consumers = 700;
    expect(pool.pick({ maxConsumers: 500 }).index).toBe(1);
    // Consumers that venues just placed are about to create count too (a whole county joining at once).
    a.consumers = 0;
    b.consumers = 0;
    a.reserved = 500;
    expect(pool.pick({ maxConsumers: 500 }).index).toBe(1);
    expect(pool.pick().index).toBe(1);
  });

  it('replaces a worker killed with SIGKILL: workerDied, then workerReplaced with a new pid, and the pool is whole again', async () => {
    const pool = await create(2);
    const victim = pool.slots[1]!;
    const oldPid = victim.worker.pid;
    const events: [string, number, number][] = [];
    const replaced = new Promise<void>((resolve) => {
      pool.on('workerDied', (index, pid) => events.push(['workerDied', index, pid]));
      pool.on('workerReplaced', (index, pid) => {
        events.push(['workerReplaced', index, pid]);
        resolve();
      });
    });
    process.kill(oldPid, 'SIGKILL');
    await replaced;

    expect(events).toHaveLength(2);
    expect(events[0]).toEqual(['workerDied', 1, oldPid]);
    const [name, index, newPid] = events[1]!;
    expect([name, index]).toEqual(['workerReplaced', 1]);
    expect(newPid).not.toBe(oldPid);
    expect(isAlive(oldPid)).toBe(false);
    expect(isAlive(newPid)).toBe(true);
    expect(pool.slots.map((s) => s.index)).toEqual([0, 1]);
    expect(pool.slots[1]!.worker.pid).toBe(newPid);
    // The replacement really works: it can host a router on the same port.
    const router = await pool.slots[1]!.worker.createRouter({ mediaCodecs: [] });
    expect(router.closed).toBe(false);
  });

  it('keeps serving from the live workers while a dead one is being replaced', async () => {
    const pool = await create(2);
    const victim = pool.slots[0]!;
    const replaced = new Promise<void>((resolve) => pool.once('workerReplaced', () => resolve()));
    const died = new Promise<void>((resolve) => pool.once('workerDied', () => resolve()));
    process.kill(victim.worker.pid, 'SIGKILL');
    await died;
    expect(pool.pick().index).toBe(1);
    await expect(pool.whenAnyLive(1000)).resolves.toBeUndefined();
    await replaced;
    expect(pool.slots).toHaveLength(2);
  });

  it('close() leaves no worker process alive, does not restart them, and can be called twice', async () => {
    const pool = await create(2);
    const pids = pool.slots.map((s) => s.worker.pid);
    let restarted = false;
    pool.on('workerDied', () => {
      restarted = true;
    });
    await pool.close();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(pool.closed).toBe(true);
    expect(pool.slots).toEqual([]);
    await pool.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(restarted).toBe(false);
    expect(() => pool.pick()).toThrow('no mediasoup worker is running');
  });

  it('close() while a replacement is pending cancels the restart', async () => {
    const pool = await create(1);
    const oldPid = pool.slots[0]!.worker.pid;
    let replaced = false;
    pool.on('workerReplaced', () => {
      replaced = true;
    });
    const died = new Promise<void>((resolve) => pool.once('workerDied', () => resolve()));
    process.kill(oldPid, 'SIGKILL');
    await died;
    await pool.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(replaced).toBe(false);
    expect(isAlive(oldPid)).toBe(false);
    await expect(pool.whenAnyLive(100)).rejects.toThrow('worker pool is closed');
  });
});
