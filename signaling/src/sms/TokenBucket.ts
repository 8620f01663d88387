/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. Used for the carrier
 * link's submit rate limit and for the SMSC simulator's throttling.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  #tokens: number;
  #at: number;

  constructor(options: { ratePerSecond: number; burst: number }) {
    this.ratePerSecond = options.ratePerSecond;
    this.burst = Math.max(1, options.burst);
    this.#tokens = this.burst;
    this.#at = Date.now();
  }

  /** Takes n tokens if there are that many now. */
  take(n = 1): boolean {
    this.#refill();
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Milliseconds until n tokens will be there (0 when they are now). */
  waitMs(n = 1): number {
    this.#refill();
    if (this.#tokens >= n) return 0;
    return Math.ceil(((n - this.#tokens) / this.ratePerSecond) * 1000);
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.ratePerSecond);
    this.#at = now;
  }
}
