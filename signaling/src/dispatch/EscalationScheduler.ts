import type { Logger } from '../../../sfu/src/index.ts';

/** setTimeout's longest delay; later deadlines are re-checked when it fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;
const RETRY_MS = 5_000;
const BATCH = 50;

export interface DueSource {
  dueTaskIds(nowMs: number, limit: number): Promise<string[]>;
  earliestDue(): Promise<number | null>;
}

/**
 * Owns the one timer that drives escalations. The due times live in Redis (written with each task),
 * so after a restart start() simply arms the timer for the earliest one. When it fires, every task
 * due by now is handed to onDue, which must escalate it and move or remove its due time.
 */
export class EscalationScheduler {
  readonly #source: DueSource;
  readonly #onDue: (taskId: string) => Promise<void>;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #armedFor: number | null = null;
  #running: Promise<void> | null = null;
  #rerun = false;
  #closed = false;

  constructor(options: { source: DueSource; onDue: (taskId: string) => Promise<void>; logger: Logger }) {
    this.#source = options.source;
    this.#onDue = options.onDue;
    this.#logger = options.logger;
  }

  /** Arms the timer from what Redis holds (also after a restart). */
  async start(): Promise<void> {
    const next = await this.#source.earliestDue();
    if (next !== null) {
      this.#logger.info({ nextDueInMs: Math.max(0, next - Date.now()) }, 'escalations rescheduled from Redis');
      this.#arm(next);
    }
  }

  /** A due time was written: make sure the timer fires by then. */
  poke(atMs: number): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#rerun = true;
      return;
    }
    if (this.#armedFor === null || atMs < this.#armedFor) this.#arm(atMs);
  }

  get armedFor(): number | null {
    return this.#armedFor;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = null;
    await this.#running;
  }

  #arm(atMs: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = atMs;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, atMs - Date.now()));
    this.#timer = setTimeout(() => this.#fire(), delay);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = null;
    if (this.#closed || this.#running) return;
    this.#running = this.#run().finally(() => {
      this.#running = null;
    });
  }

  async #run(): Promise<void> {
    let retryAt: number | null = null;
    try {
      do {
        this.#rerun = false;
        const ids = await this.#source.dueTaskIds(Date.now(), BATCH);
        for (const id of ids) {
          if (this.#closed) return;
          await this.#onDue(id);
        }
        if (ids.length === BATCH) this.#rerun = true;
      } while (this.#rerun && !this.#closed);
    } catch (error) {
      this.#logger.error({ err: error }, 'escalation round failed; retrying');
      retryAt = Date.now() + RETRY_MS;
    }
    if (this.#closed) return;
    try {
      const next = await this.#source.earliestDue();
      const at = retryAt === null ? next : Math.max(retryAt, next ?? retryAt);
      if (at !== null) this.#arm(at);
    } catch (error) {
      this.#logger.error({ err: error }, 'cannot read the next escalation time; retrying');
      this.#arm(Date.now() + RETRY_MS);
    }
  }
}
