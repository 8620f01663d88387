/**
 * Runs one async job at a time; calls made while it runs are coalesced into a single further run
 * (whatever they asked for, the next run sees the latest state). Every caller's promise settles
 * when the run that covers its call has finished. The job handles its own errors.
 */
export class CoalescedRun {
  readonly #job: () => Promise<void>;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(job: () => Promise<void>) {
    this.#job = job;
  }

  run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#job();
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
}
