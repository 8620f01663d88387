import type { types } from 'mediasoup';
import { getLogger, type Logger } from './lib/logger.ts';
import { KeyedQueue } from './lib/KeyedQueue.ts';
import { mediaCodecs } from './mediaCodecs.ts';
import { slotLoad, type WorkerSlot } from './WorkerPool.ts';

export interface Shard {
  readonly slot: WorkerSlot;
  readonly router: types.Router;
}

/**
 * The routers of one meeting, one per worker it spans. A meeting starts on one worker; when that
 * worker's consumer budget is reached, new venues go to a router on another worker, and producers
 * are piped (pipeToRouter) to wherever they are consumed.
 */
export class RouterShards {
  readonly primary: Shard;
  readonly #shards = new Map<number, Shard>();
  readonly #pickSlot: () => WorkerSlot;
  readonly #pipes = new Map<string, Promise<void>>();
  readonly #logger: Logger;
  #closed = false;

  static async create(options: {
    roomId: string;
    pickSlot: () => WorkerSlot;
    maxConsumers: number;
    onWorkerClosed: () => void;
  }): Promise<RouterShards> {
    const slot = options.pickSlot();
    const router = await slot.worker.createRouter({ mediaCodecs });
    return new RouterShards({ ...options, primary: { slot, router } });
  }

  private constructor(options: {
    roomId: string;
    pickSlot: () => WorkerSlot;
    maxConsumers: number;
    onWorkerClosed: () => void;
    primary: Shard;
  }) {
    this.primary = options.primary;
    this.#maxConsumers = options.maxConsumers;
    this.#pickSlot = options.pickSlot;
    this.#onWorkerClosed = options.onWorkerClosed;
    this.#logger = getLogger('RouterShards', { roomId: options.roomId });
    this.#adopt(options.primary);
  }

  readonly #onWorkerClosed: () => void;
  readonly #maxConsumers: number;
  /** mediasoup creates one pipe transport pair per router pair: pipe one producer at a time per pair. */
  readonly #pairQueue = new KeyedQueue();

  get all(): Shard[] {
    return [...this.#shards.values()];
  }

  /**
   * The shard a new venue should join: the least loaded of this meeting's own workers while one is
   * under its consumer budget (counting consumers its newly placed venues are about to create);
   * otherwise the least loaded other worker (a new router there).
   */
  async shardForNewPeer(): Promise<Shard> {
    const own = this.all.filter((s) => slotLoad(s.slot) < this.#maxConsumers).sort((a, b) => slotLoad(a.slot) - slotLoad(b.slot))[0];
    if (own) return own;
    const slot = this.#pickSlot();
    const existing = this.#shards.get(slot.index);
    if (existing) return existing;
    const router = await slot.worker.createRouter({ mediaCodecs });
    if (this.#closed) {
      router.close();
      throw new Error('room closed');
    }
    const shard = { slot, router };
    this.#adopt(shard);
    this.#logger.info({ worker: slot.index, shards: this.#shards.size }, 'meeting spans another worker');
    return shard;
  }

  /** Makes producerId (living on `from`) consumable on `to`, piping it once. */
  async ensureOn(producerId: string, from: Shard, to: Shard): Promise<void> {
    if (from === to) return;
    const key = `${producerId}:${to.slot.index}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      const pair = [from.slot.index, to.slot.index].sort().join('-');
      pipe = this.#pairQueue
        .push(pair, () => from.router.pipeToRouter({ producerId, router: to.router }))
        .then(({ pipeProducer }) => {
          pipeProducer?.observer.once('close', () => this.#pipes.delete(key));
        });
      pipe.catch(() => this.#pipes.delete(key));
      this.#pipes.set(key, pipe);
    }
    await pipe;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const shard of this.#shards.values()) {
      shard.router.close();
      shard.slot.routers--;
    }
    this.#shards.clear();
    this.#pipes.clear();
  }

  #adopt(shard: Shard): void {
    this.#shards.set(shard.slot.index, shard);
    shard.slot.routers++;
    shard.router.on('workerclose', () => {
      if (!this.#closed) this.#onWorkerClosed();
    });
  }
}
