import type { Logger } from '../../../sfu/src/index.ts';

/**
 * Runs a job every `intervalMs` (measured from the end of the previous run, so runs never
 * overlap). Owns its timer; close() clears it and awaits a run in progress.
 */
export class IntervalJob {
  readonly #intervalMs: number;
  readonly #job: () => Promise<void>;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #closed = false;

  constructor(options: { intervalMs: number; job: () => Promise<void>; logger: Logger }) {
    this.#intervalMs = options.intervalMs;
    this.#job = options.job;
    this.#logger = options.logger;
  }

  start(): void {
    if (this.#closed || this.#timer) return;
    this.#schedule();
  }

  /** Runs the job now (and restarts the interval after it). */
  async runNow(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#run();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#run(), this.#intervalMs);
  }

  async #run(): Promise<void> {
    if (this.#running) return this.#running;
    this.#timer = undefined;
    this.#running = this.#job()
      .catch((error: unknown) => this.#logger.error({ err: error }, 'periodic job failed'))
      .finally(() => {
        this.#running = null;
        this.#schedule();
      });
    return this.#running;
  }
}
