import { AwaitQueue } from 'awaitqueue';

/**
 * Serialises async tasks per key (get-or-create a room, a venue joining twice): tasks with the
 * same key run one after another, different keys run concurrently.
 */
export class KeyedQueue {
  readonly #queues = new Map<string, AwaitQueue>();

  async push<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new AwaitQueue();
      this.#queues.set(key, queue);
    }
    const q = queue;
    try {
      return await q.push(task, key);
    } finally {
      if (q.size === 0 && this.#queues.get(key) === q) this.#queues.delete(key);
    }
  }

  get size(): number {
    return this.#queues.size;
  }
}
