import type { Logger } from '../../sfu/src/index.ts';
import { AUDIO_RATE } from './MediaDecoder.ts';

export interface FrameSink {
  /** Bytes written but not yet taken by the encoder. */
  readonly backlog: number;
  write(picture: Buffer, sound: Buffer, done: () => void): void;
}

const POOL_SIZE = 8;
/** Pictures the encoder may have queued before frames are dropped: more while it starts up. */
const BACKLOG_S = 2;
const STARTUP_BACKLOG_S = 4;
const STARTUP_MS = 5000;

/**
 * The programme's steady clock: every 1/fps s it takes the current picture and exactly the sound
 * that belongs to it (48000/fps samples, spread evenly when that is not whole) and writes both
 * to the encoder, whatever the venues do, so pictures and sound share one timeline by
 * construction. When the encoder falls more than 2 s behind (4 s while it starts), or the event
 * loop stalled, frames are dropped (pictures and sound together) and reported, never queued
 * without bound.
 */
export class ProgrammeClock {
  /** Called when the first frame after newEpoch() is written (the epoch's wall-clock origin). */
  onFirstFrame: (() => void) | null = null;
  readonly #fps: number;
  readonly #frameMs: number;
  readonly #secondBytes: number;
  readonly #picture: (into: Buffer) => Buffer;
  readonly #sound: (samples: number) => Buffer;
  readonly #sink: () => FrameSink | null;
  readonly #onDropped: (frameMs: number) => void;
  readonly #logger: Logger;
  readonly #pool: Buffer[] = [];
  readonly #frameSize: number;
  #timer: NodeJS.Timeout | undefined;
  #t0 = 0;
  #ticks = 0;
  #epochStarted = false;
  #epochAt = 0;
  #lastDropWarn = 0;
  written = 0;
  dropped = 0;

  constructor(options: {
    fps: number;
    frameSize: number;
    picture: (into: Buffer) => Buffer;
    sound: (samples: number) => Buffer;
    sink: () => FrameSink | null;
    dropped: (frameMs: number) => void;
    logger: Logger;
  }) {
    this.#fps = options.fps;
    this.#frameMs = 1000 / options.fps;
    this.#frameSize = options.frameSize;
    this.#secondBytes = options.fps * options.frameSize;
    this.#picture = options.picture;
    this.#sound = options.sound;
    this.#sink = options.sink;
    this.#onDropped = options.dropped;
    this.#logger = options.logger;
  }

  start(): void {
    if (this.#timer) return;
    this.#t0 = performance.now();
    this.#ticks = 0;
    this.#schedule();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The next frame written starts a new encoder epoch. */
  newEpoch(): void {
    this.#epochStarted = false;
    this.#epochAt = performance.now();
  }

  #schedule(): void {
    const due = this.#t0 + this.#ticks * this.#frameMs;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, due - performance.now()));
  }

  #tick(): void {
    const behind = Math.floor((performance.now() - this.#t0) / this.#frameMs) + 1 - this.#ticks;
    if (behind <= 0) {
      this.#schedule();
      return;
    }
    if (behind > this.#fps) {
      // The event loop stalled for over a second: skip, rather than burst, the missed frames.
      const skipped = behind - 1;
      for (let i = 0; i < skipped; i++) this.#sound(this.#samplesOf(this.#ticks + i));
      this.#ticks += skipped;
      this.#drop(skipped);
    }
    const count = Math.min(behind, this.#fps);
    for (let i = 0; i < count; i++) this.#frame();
    this.#schedule();
  }

  #samplesOf(n: number): number {
    return Math.floor(((n + 1) * AUDIO_RATE) / this.#fps) - Math.floor((n * AUDIO_RATE) / this.#fps);
  }

  #frame(): void {
    const sound = this.#sound(this.#samplesOf(this.#ticks));
    this.#ticks++;
    const sink = this.#sink();
    if (!sink) {
      this.dropped++;
      return;
    }
    const allowed = performance.now() - this.#epochAt < STARTUP_MS ? STARTUP_BACKLOG_S : BACKLOG_S;
    if (sink.backlog > allowed * this.#secondBytes) {
      this.#drop(1);
      return;
    }
    const picture = this.#picture(this.#pool.pop() ?? Buffer.allocUnsafe(this.#frameSize));
    if (!this.#epochStarted) {
      this.#epochStarted = true;
      this.onFirstFrame?.();
    }
    sink.write(picture, sound, () => {
      if (this.#pool.length < POOL_SIZE) this.#pool.push(picture);
    });
    this.written++;
  }

  #drop(frames: number): void {
    this.dropped += frames;
    if (this.#epochStarted) this.#onDropped(frames * this.#frameMs);
    const now = Date.now();
    if (now - this.#lastDropWarn > 5000) {
      this.#lastDropWarn = now;
      this.#logger.warn({ dropped: this.dropped }, 'the encoder cannot keep up, dropping frames');
    }
  }
}
