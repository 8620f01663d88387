import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';
import type { SfuConfig } from './config.ts';

/** One worker process and its WebRtcServer, counted for load balancing. */
export interface WorkerSlot {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  /** Routers and consumers currently placed on this worker (kept by SfuRoom/SfuPeer). */
  routers: number;
  consumers: number;
  /**
   * Consumers expected soon: peers placed here that have not created theirs yet. When a whole
   * county joins at once, placement must see the load it is about to create, not only what exists.
   */
  reserved: number;
}

/** A worker's load for placement: its consumers, plus those its newly placed peers will create. */
export function slotLoad(slot: WorkerSlot): number {
  return slot.consumers + slot.reserved;
}

export type WorkerPoolEvents = {
  /** A worker died; its routers are already closing. A replacement is being started. */
  workerDied: [index: number, pid: number];
  /** A replacement worker is ready in the slot of one that died. */
  workerReplaced: [index: number, pid: number];
};

export type WorkerPoolOptions = Pick<
  SfuConfig,
  'numWorkers' | 'rtcPortBase' | 'rtcListenIp' | 'announcedAddress' | 'workerLogLevel'
>;

const RESTART_DELAYS_MS = [0, 250, 1000, 2000, 5000];

/** Worker i's pipe/plain transport ports: rtcPortBase + PIPE_RANGE·(i+1) … + PIPE_RANGE − 1. */
export const PIPE_RANGE = 1000;

/**
 * One mediasoup worker per core, each with one WebRtcServer (one UDP and one TCP port), restarted
 * when it dies. Closing the pool closes every worker and awaits their exit.
 */
export class WorkerPool extends EnhancedEventEmitter<WorkerPoolEvents> {
  readonly #options: WorkerPoolOptions;
  readonly #slots: (WorkerSlot | undefined)[];
  readonly #logger: Logger;
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  #closed = false;

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      for (let index = 0; index < options.numWorkers; index++) {
        pool.#slots[index] = await pool.#startSlot(index);
      }
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
    this.#slots = new Array(options.numWorkers).fill(undefined);
    this.#logger = getLogger('WorkerPool');
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live slots (a slot whose worker died is absent until its replacement is up). */
  get slots(): WorkerSlot[] {
    return this.#slots.filter((s): s is WorkerSlot => s !== undefined);
  }

  /** The least loaded live worker, optionally one that still has room under a consumer budget. */
  pick(options: { maxConsumers?: number; exclude?: number[]; among?: number[] } = {}): WorkerSlot {
    const candidates = this.slots.filter(
      (s) => !options.exclude?.includes(s.index) && (!options.among || options.among.includes(s.index)),
    );
    const withRoom = options.maxConsumers
      ? candidates.filter((s) => slotLoad(s) < options.maxConsumers!)
      : candidates;
    const pool = withRoom.length > 0 ? withRoom : candidates;
    const best = pool.sort((a, b) => slotLoad(a) - slotLoad(b) || a.routers - b.routers)[0];
    if (!best) throw new Error('no mediasoup worker is running');
    return best;
  }

  /** Resolves when at least one worker is live (after a death, while its replacement starts). */
  async whenAnyLive(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (this.slots.length === 0) {
      if (this.#closed) throw new Error('worker pool is closed');
      if (Date.now() - started > timeoutMs) throw new Error('no mediasoup worker came back');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('closing worker pool');
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#restartTimers.clear();
    const exits = this.slots.map((slot) => {
      const exited = new Promise<void>((resolve) => {
        slot.worker.observer.once('close', () => resolve());
      });
      slot.worker.close();
      return waitForExit(slot.worker.pid).then(() => exited);
    });
    this.#slots.fill(undefined);
    await Promise.all(exits);
  }

  async #startSlot(index: number): Promise<WorkerSlot> {
    const { rtcPortBase, rtcListenIp, announcedAddress, workerLogLevel } = this.#options;
    const port = rtcPortBase + index;
    // WebRTC media uses the WebRtcServer's single port; pipe (multi-worker meetings) and plain
    // (recording, SIP) transports take ports from the worker's own range.
    const worker = await mediasoup.createWorker({
      logLevel: workerLogLevel,
      logTags: ['ice', 'dtls'],
      rtcMinPort: rtcPortBase + PIPE_RANGE * (index + 1),
      rtcMaxPort: rtcPortBase + PIPE_RANGE * (index + 2) - 1,
    });
    try {
      const listenIp = { ip: rtcListenIp, announcedIp: announcedAddress };
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...listenIp, port },
          { protocol: 'tcp', ...listenIp, port },
        ],
      });
      const slot: WorkerSlot = { index, worker, webRtcServer, routers: 0, consumers: 0, reserved: 0 };
      worker.on('died', (error) => this.#onDied(slot, error));
      this.#logger.info({ index, pid: worker.pid, port }, 'mediasoup worker started');
      return slot;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  #onDied(slot: WorkerSlot, error: Error): void {
    if (this.#closed) return;
    this.#logger.error({ index: slot.index, pid: slot.worker.pid, err: error }, 'mediasoup worker died');
    if (this.#slots[slot.index] === slot) this.#slots[slot.index] = undefined;
    this.safeEmit('workerDied', slot.index, slot.worker.pid);
    this.#scheduleRestart(slot.index, 0);
  }

  #scheduleRestart(index: number, attempt: number): void {
    const delay = RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]!;
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer);
      if (this.#closed) return;
      this.#startSlot(index).then(
        (slot) => {
          if (this.#closed) {
            slot.worker.close();
            return;
          }
          this.#slots[index] = slot;
          this.safeEmit('workerReplaced', index, slot.worker.pid);
        },
        (err: unknown) => {
          this.#logger.error({ index, attempt, err }, 'restarting mediasoup worker failed, retrying');
          this.#scheduleRestart(index, attempt + 1);
        },
      );
    }, delay);
    this.#restartTimers.add(timer);
  }
}

/** Waits until a process id no longer exists (the worker's real exit). */
async function waitForExit(pid: number, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
