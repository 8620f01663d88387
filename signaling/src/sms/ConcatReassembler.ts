import type { ConcatInfo } from './encoding.ts';

interface Group {
  total: number;
  parts: Map<number, string>;
  firstAt: number;
}

/** A whole message; `done()` forgets its parts. Until then, a resent part completes it again. */
export interface Reassembled {
  text: string;
  done(): void;
}

/**
 * Joins the parts of concatenated messages (UDH reference, total, sequence) per sender/recipient
 * pair. Used by the SMSC simulator for submitted messages and by the carrier link for inbound
 * ones. Parts may arrive in any order and twice; a group missing parts (or never marked done)
 * for `timeoutMs` is dropped.
 */
export class ConcatReassembler {
  readonly #timeoutMs: number;
  readonly #groups = new Map<string, Group>();
  readonly #sweep: NodeJS.Timeout;
  #dropped = 0;
  #closed = false;

  constructor(options: { timeoutMs: number }) {
    this.#timeoutMs = options.timeoutMs;
    this.#sweep = setInterval(() => this.#dropStale(), Math.max(1000, options.timeoutMs / 2));
    this.#sweep.unref();
  }

  /** Returns the whole message once the last missing part arrives, else null. */
  push(key: string, concat: ConcatInfo | null, text: string): Reassembled | null {
    if (this.#closed) return null;
    if (!concat || concat.total <= 1) return { text, done: () => undefined };
    if (concat.seq < 1 || concat.seq > concat.total) return null;
    const groupKey = `${key}|${concat.ref}|${concat.total}`;
    let group = this.#groups.get(groupKey);
    if (!group) {
      group = { total: concat.total, parts: new Map(), firstAt: Date.now() };
      this.#groups.set(groupKey, group);
    }
    group.parts.set(concat.seq, text);
    if (group.parts.size < group.total) return null;
    let whole = '';
    for (let seq = 1; seq <= group.total; seq++) whole += group.parts.get(seq) ?? '';
    const complete = group;
    return {
      text: whole,
      done: () => {
        if (this.#groups.get(groupKey) === complete) this.#groups.delete(groupKey);
      },
    };
  }

  /** Messages waiting for missing parts. */
  get pending(): number {
    return this.#groups.size;
  }

  /** Incomplete messages given up on. */
  get dropped(): number {
    return this.#dropped;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#groups.clear();
  }

  #dropStale(): void {
    const limit = Date.now() - this.#timeoutMs;
    for (const [key, group] of this.#groups) {
      if (group.firstAt < limit) {
        this.#groups.delete(key);
        this.#dropped++;
      }
    }
  }
}
