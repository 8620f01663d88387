import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';
import { KeyedQueue } from './lib/KeyedQueue.ts';
import type { SfuConfig } from './config.ts';
import { WorkerPool } from './WorkerPool.ts';
import { SfuRoom } from './SfuRoom.ts';

export type SfuEvents = {
  workerDied: [index: number, pid: number];
  workerReplaced: [index: number, pid: number];
};

export interface SfuStats {
  workers: { index: number; pid: number; routers: number; consumers: number; reserved: number }[];
  rooms: number;
  transports: number;
  producers: number;
  consumers: number;
}

/**
 * The SFU service as signalling sees it: rooms by meeting id over a pool of workers.
 * Closing it closes every room, then every worker.
 */
export class Sfu extends EnhancedEventEmitter<SfuEvents> {
  readonly #config: SfuConfig;
  readonly #pool: WorkerPool;
  readonly #rooms = new Map<string, SfuRoom>();
  readonly #queue = new KeyedQueue();
  readonly #logger: Logger;
  #closed = false;

  static async create(config: SfuConfig): Promise<Sfu> {
    const pool = await WorkerPool.create(config);
    return new Sfu(config, pool);
  }

  private constructor(config: SfuConfig, pool: WorkerPool) {
    super();
    this.#config = config;
    this.#pool = pool;
    this.#logger = getLogger('Sfu');
    pool.on('workerDied', (index, pid) => this.safeEmit('workerDied', index, pid));
    pool.on('workerReplaced', (index, pid) => this.safeEmit('workerReplaced', index, pid));
  }

  get workerPids(): number[] {
    return this.#pool.slots.map((s) => s.worker.pid);
  }

  /** Returns the live room of a meeting, creating it on the least loaded worker if needed. */
  async getOrCreateRoom(roomId: string): Promise<SfuRoom> {
    return this.#queue.push(roomId, async () => {
      if (this.#closed) throw new Error('the SFU is closed');
      const existing = this.#rooms.get(roomId);
      if (existing && !existing.closed) return existing;
      const room = await SfuRoom.create({
        id: roomId,
        pool: this.#pool,
        maxConsumersPerWorker: this.#config.maxConsumersPerWorker,
        initialOutgoingBitrate: this.#config.initialOutgoingBitrate,
      });
      this.#rooms.set(roomId, room);
      room.once('@close', () => {
        if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
      });
      return room;
    });
  }

  getRoom(roomId: string): SfuRoom | undefined {
    return this.#rooms.get(roomId);
  }

  stats(): SfuStats {
    const stats: SfuStats = { workers: [], rooms: this.#rooms.size, transports: 0, producers: 0, consumers: 0 };
    for (const slot of this.#pool.slots) {
      stats.workers.push({ index: slot.index, pid: slot.worker.pid, routers: slot.routers, consumers: slot.consumers, reserved: slot.reserved });
    }
    for (const room of this.#rooms.values()) {
      const c = room.counts();
      stats.transports += c.transports;
      stats.producers += c.producers;
      stats.consumers += c.consumers;
    }
    return stats;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('closing SFU');
    for (const room of this.#rooms.values()) room.close();
    this.#rooms.clear();
    await this.#pool.close();
  }
}
