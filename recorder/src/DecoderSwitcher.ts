import { EnhancedEventEmitter, OwnedTimers, type Logger } from '../../sfu/src/index.ts';
import { copyInto } from './frames.ts';
import type { DecoderInput, MediaDecoder } from './MediaDecoder.ts';

export type DecoderSwitcherEvents = {
  /** Media from the active decoder only. */
  video: [producerId: string, frame: Buffer, width: number, height: number];
  audio: [producerId: string, pcm: Buffer];
  paused: [producerId: string, paused: boolean];
  inputLost: [producerId: string];
  /** A decoder for `inputs` became active; its latest frames follow as `video` events. */
  switched: [inputs: DecoderInput[], previous: DecoderInput[]];
};

/** How long a new decoder may take to deliver every input before it replaces the old one anyway. */
const READY_TIMEOUT_MS = 3000;
const RESTART_DELAYS_MS = [0, 500, 1000, 2000, 5000];
/** A decoder missing an input (not tappable, or its tap closed) is rebuilt after this, doubling. */
const REBUILD_MS = 1000;
const REBUILD_MAX_MS = 30_000;
const DEATH_WINDOW_MS = 60_000;

interface Slot {
  inputs: DecoderInput[];
  key: string;
  decoder: MediaDecoder;
  latest: Map<string, Buffer>;
  /** Dead, or missing an input: to be replaced by a decoder with the same inputs. */
  dead: boolean;
}

/** Identifies a set of inputs: the same producers at the same sizes, in the same order. */
export const inputsKey = (inputs: DecoderInput[]) =>
  JSON.stringify(inputs.map((i) => (i.kind === 'video' ? [i.producerId, i.width, i.height] : [i.producerId])));

/**
 * Keeps one decoder running for the wanted set of inputs and changes it make-before-break: a
 * new decoder is started beside the old one, and replaces it once it delivers every input (or
 * after 3 s), so the programme never waits for a decoder to start. A decoder that dies is
 * restarted with the same inputs (backing off when it keeps dying).
 */
export class DecoderSwitcher extends EnhancedEventEmitter<DecoderSwitcherEvents> {
  readonly #create: (inputs: DecoderInput[]) => Promise<MediaDecoder>;
  readonly #logger: Logger;
  readonly #timers = new OwnedTimers();
  readonly #deaths: number[] = [];
  readonly #retiring = new Set<Promise<void>>();
  #wanted: DecoderInput[] = [];
  #active: Slot | null = null;
  #pending: Slot | null = null;
  #busy: Promise<void> | null = null;
  #again = false;
  #closed = false;
  #rebuildMs = REBUILD_MS;

  constructor(options: { create: (inputs: DecoderInput[]) => Promise<MediaDecoder>; logger: Logger }) {
    super();
    this.#create = options.create;
    this.#logger = options.logger;
  }

  get activeInputs(): DecoderInput[] {
    return this.#active?.inputs ?? [];
  }

  get pids(): number[] {
    return [this.#active, this.#pending].flatMap((s) => (s?.decoder.pid ? [s.decoder.pid] : []));
  }

  setInputs(inputs: DecoderInput[]): void {
    this.#wanted = inputs;
    this.#reconcile();
  }

  #reconcile(): void {
    if (this.#closed) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    const key = inputsKey(this.#wanted);
    if (this.#active && !this.#active.dead && this.#active.key === key) {
      if (this.#pending) this.#retire(this.#pending);
      this.#pending = null;
      return;
    }
    if (this.#pending && !this.#pending.dead && this.#pending.key === key) return;
    if (this.#pending) this.#retire(this.#pending);
    this.#pending = null;
    const inputs = this.#wanted;
    this.#busy = this.#create(inputs)
      .then((decoder) => {
        if (this.#closed) return decoder.close();
        const slot = this.#attach(inputs, decoder);
        this.#pending = slot;
        if (decoder.ready) this.#promote(slot);
        else this.#timers.after(READY_TIMEOUT_MS, () => this.#pending === slot && this.#promote(slot));
      })
      .catch((error: unknown) => {
        this.#logger.error({ err: error }, 'cannot start a decoder, retrying');
        this.#deaths.push(Date.now());
        this.#scheduleRetry();
      })
      .finally(() => {
        this.#busy = null;
        if (this.#again) {
          this.#again = false;
          this.#reconcile();
        }
      });
  }

  #attach(inputs: DecoderInput[], decoder: MediaDecoder): Slot {
    const slot: Slot = { inputs, key: inputsKey(inputs), decoder, latest: new Map(), dead: false };
    const sizes = new Map(inputs.flatMap((i) => (i.kind === 'video' ? [[i.producerId, i] as const] : [])));
    decoder.on('video', (producerId, frame) => {
      const size = sizes.get(producerId);
      if (!size) return;
      if (slot === this.#active) this.safeEmit('video', producerId, frame, size.width, size.height);
      else if (slot === this.#pending) {
        slot.latest.set(producerId, copyInto(slot.latest.get(producerId), frame));
        if (decoder.ready) this.#promote(slot);
      }
    });
    decoder.on('audio', (producerId, pcm) => {
      if (slot === this.#active) this.safeEmit('audio', producerId, pcm);
      else if (slot === this.#pending && decoder.ready) this.#promote(slot);
    });
    decoder.on('paused', (producerId, paused) => {
      if (slot === this.#active) this.safeEmit('paused', producerId, paused);
    });
    decoder.on('inputLost', (producerId) => {
      if (slot !== this.#active && slot !== this.#pending) return;
      if (slot === this.#active) this.safeEmit('inputLost', producerId);
      this.#rebuildLater(slot);
    });
    const onDied = () => {
      if (this.#active !== slot && this.#pending !== slot) return;
      slot.dead = true;
      this.#logger.warn({ pid: decoder.pid }, 'decoder died, restarting it');
      this.#deaths.push(Date.now());
      this.#scheduleRetry();
    };
    decoder.on('died', onDied);
    if (decoder.dead) onDied();
    return slot;
  }

  #promote(slot: Slot): void {
    if (this.#closed || slot !== this.#pending) return;
    const previous = this.#active;
    this.#active = slot;
    this.#pending = null;
    if (previous) this.#retire(previous);
    this.safeEmit('switched', slot.inputs, previous?.inputs ?? []);
    for (const input of slot.inputs) {
      if (input.kind !== 'video') continue;
      this.safeEmit('paused', input.producerId, slot.decoder.isPaused(input.producerId));
      const frame = slot.latest.get(input.producerId);
      if (frame) this.safeEmit('video', input.producerId, frame, input.width, input.height);
    }
    slot.latest.clear();
    if (slot.decoder.missing.length > 0) this.#rebuildLater(slot);
    else this.#rebuildMs = REBUILD_MS;
    // The wanted inputs may have changed while this decoder was starting.
    this.#reconcile();
  }

  #scheduleRetry(): void {
    const now = Date.now();
    while (this.#deaths.length > 0 && now - this.#deaths[0]! > DEATH_WINDOW_MS) this.#deaths.shift();
    const delay = RESTART_DELAYS_MS[Math.min(this.#deaths.length, RESTART_DELAYS_MS.length) - 1] ?? 0;
    this.#timers.after(delay, () => this.#reconcile());
  }

  /**
   * An input could not be tapped or its tap closed (producer gone, media re-created): unless the
   * wanted inputs change meanwhile, rebuild the decoder with the same inputs a little later.
   */
  #rebuildLater(slot: Slot): void {
    const delay = this.#rebuildMs;
    this.#rebuildMs = Math.min(REBUILD_MAX_MS, this.#rebuildMs * 2);
    this.#timers.after(delay, () => {
      if ((slot !== this.#active && slot !== this.#pending) || slot.dead) return;
      slot.dead = true;
      this.#reconcile();
    });
  }

  #retire(slot: Slot): void {
    const closing = slot.decoder.close().finally(() => this.#retiring.delete(closing));
    this.#retiring.add(closing);
  }

  /** Closes every decoder and awaits their exit. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.clear();
    for (const slot of [this.#active, this.#pending]) if (slot) this.#retire(slot);
    this.#active = null;
    this.#pending = null;
    await this.#busy;
    while (this.#retiring.size > 0) await Promise.all([...this.#retiring]);
  }
}
