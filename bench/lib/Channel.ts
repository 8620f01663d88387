// Typed request/notification plumbing over a forked child's IPC channel.
import type { ChildProcess } from 'node:child_process';

type Typed = { type: string };

export class Channel<In extends Typed, Out extends Typed> {
  readonly child: ChildProcess;
  readonly #waiters = new Set<{ type: string; match: (m: In) => boolean; resolve: (m: In) => void; reject: (e: Error) => void }>();
  readonly #handlers = new Map<string, ((m: In) => void)[]>();
  #exited: Error | undefined;

  constructor(child: ChildProcess, name: string) {
    this.child = child;
    // Messages come from this bench's own child process, compiled with the same union.
    child.on('message', (raw) => this.#dispatch(raw as In));
    child.once('exit', (code, signal) => {
      const error = new Error(`${name} exited (${code ?? signal})`);
      this.#exited = error;
      for (const waiter of [...this.#waiters]) waiter.reject(error);
    });
  }

  send(message: Out): void {
    this.child.send(message);
  }

  on<T extends In['type']>(type: T, handler: (m: Extract<In, { type: T }>) => void): void {
    const list = this.#handlers.get(type) ?? [];
    list.push(handler as (m: In) => void);
    this.#handlers.set(type, list);
  }

  /** The next message of `type` (matching `match`), within `timeoutMs`. */
  next<T extends In['type']>(type: T, match: (m: Extract<In, { type: T }>) => boolean = () => true, timeoutMs = 120_000): Promise<Extract<In, { type: T }>> {
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      const waiter = {
        type,
        match: match as (m: In) => boolean,
        resolve: (m: In) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(m as Extract<In, { type: T }>);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no ${type} message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #dispatch(message: In): void {
    for (const handler of this.#handlers.get(message.type) ?? []) handler(message);
    for (const waiter of [...this.#waiters]) {
      if (waiter.type === message.type && waiter.match(message)) {
        waiter.resolve(message);
        return;
      }
    }
  }
}
