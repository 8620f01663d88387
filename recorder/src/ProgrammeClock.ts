import type { Logger } from '../../sfu/src/index.ts';
import { AUDIO_RATE } from './MediaDecoder.ts';

export interface FrameSink {
  /** Bytes written but not yet taken by the encoder. */
  readonly backlog: number;
  write(picture: Buffer, sound: Buffer, done: () => void): void;
}

const POOL_SIZE = 8;
/** Pictures the encoder may have queued before the clock repeats the last one instead of a new one. */
const REPEAT_BACKLOG_S = 0.5;
/** More while a new encoder starts (it catches up within a second or two). */
const STARTUP_REPEAT_BACKLOG_S = 3;
const STARTUP_MS = 5000;
/** Queued this far behind, the encoder is wedged: frames are dropped (a gap in the timeline). */
const MAX_BACKLOG_S = 5;
/** An event loop stalled longer than this loses the excess; shorter stalls are caught up. */
const MAX_CATCH_UP_S = 5;

/**
 * The programme's steady clock: every 1/fps s it takes the current picture and exactly the sound
 * that belongs to it (48000/fps samples, spread evenly when that is not whole) and writes both
 * to the encoder, whatever the venues do, so pictures and sound share one timeline by
 * construction. Nothing is lost when the encoder falls behind: while more than 0.5 s is queued
 * (3 s while a new encoder starts), or to catch up after the event loop stalled, the clock
 * writes the last picture again, which the encoder drops before encoding (see stampedFrame.ts):
 * the picture holds for a moment, the sound and the timeline go on, and the encoder catches up
 * at a fraction of its cost. Memory stays bounded: a repeat is the same buffer. Only an encoder
 * more than 5 s behind (or a stall over 5 s) loses frames, reported and counted in `dropped`.
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
  /** Writes not yet done per picture buffer: a buffer returns to the pool once it has none. */
  readonly #pending = new Map<Buffer, number>();
  readonly #frameSize: number;
  #last: Buffer | null = null;
  #timer: NodeJS.Timeout | undefined;
  #t0 = 0;
  #ticks = 0;
  #epochStarted = false;
  #epochAt = 0;
  #lastDropWarn = 0;
  #lastRepeatLog = 0;
  /** Frames written to the encoder, repeats included. */
  written = 0;
  /** Frames that repeated the last picture (the timeline kept, the picture held). */
  repeated = 0;
  /** Frames lost from the timeline (no encoder, or one hopelessly behind). */
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

  /** The next frame written starts a new encoder epoch (with a new picture). */
  newEpoch(): void {
    this.#epochStarted = false;
    this.#epochAt = performance.now();
    this.#setLast(null);
  }

  #schedule(): void {
    const due = this.#t0 + this.#ticks * this.#frameMs;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, due - performance.now()));
  }

  #tick(): void {
    let behind = Math.floor((performance.now() - this.#t0) / this.#frameMs) + 1 - this.#ticks;
    const maxCatchUp = MAX_CATCH_UP_S * this.#fps;
    if (behind > maxCatchUp) {
      // The event loop stalled for over 5 s: skip what is beyond catching up.
      const skipped = behind - maxCatchUp;
      for (let i = 0; i < skipped; i++) this.#sound(this.#samplesOf(this.#ticks + i));
      this.#ticks += skipped;
      this.#drop(skipped);
      behind = maxCatchUp;
    }
    // Frames missed while the event loop was busy hold the last picture; the newest is current.
    for (; behind > 0; behind--) this.#frame(behind === 1);
    this.#schedule();
  }

  #samplesOf(n: number): number {
    return Math.floor(((n + 1) * AUDIO_RATE) / this.#fps) - Math.floor((n * AUDIO_RATE) / this.#fps);
  }

  #frame(current: boolean): void {
    const sound = this.#sound(this.#samplesOf(this.#ticks));
    this.#ticks++;
    const sink = this.#sink();
    if (!sink) {
      this.dropped++;
      return;
    }
    const backlogS = sink.backlog / this.#secondBytes;
    if (backlogS > MAX_BACKLOG_S) {
      this.#drop(1);
      return;
    }
    const picture = this.#nextPicture(current, backlogS);
    if (!this.#epochStarted) {
      this.#epochStarted = true;
      this.onFirstFrame?.();
    }
    this.#pending.set(picture, (this.#pending.get(picture) ?? 0) + 1);
    sink.write(picture, sound, () => this.#release(picture));
    this.written++;
  }

  /** A new picture, or the last one again while the encoder is behind (or for a missed frame). */
  #nextPicture(current: boolean, backlogS: number): Buffer {
    const holdAt = performance.now() - this.#epochAt < STARTUP_MS ? STARTUP_REPEAT_BACKLOG_S : REPEAT_BACKLOG_S;
    if (this.#last && !(current && backlogS <= holdAt)) {
      this.repeated++;
      this.#logRepeats();
      return this.#last;
    }
    const picture = this.#picture(this.#pool.pop() ?? Buffer.allocUnsafe(this.#frameSize));
    this.#setLast(picture);
    return picture;
  }

  /** One write of `picture` is done: with none left, it goes back to the pool unless it is the last. */
  #release(picture: Buffer): void {
    const left = this.#pending.get(picture)! - 1;
    if (left > 0) {
      this.#pending.set(picture, left);
      return;
    }
    this.#pending.delete(picture);
    if (picture !== this.#last) this.#recycle(picture);
  }

  #setLast(picture: Buffer | null): void {
    const previous = this.#last;
    this.#last = picture;
    if (previous && previous !== picture && !this.#pending.has(previous)) this.#recycle(previous);
  }

  #recycle(buffer: Buffer): void {
    if (this.#pool.length < POOL_SIZE) this.#pool.push(buffer);
  }

  #logRepeats(): void {
    const now = Date.now();
    if (now - this.#lastRepeatLog < 5000) return;
    this.#lastRepeatLog = now;
    this.#logger.info({ repeated: this.repeated }, 'the encoder is behind, holding the picture while it catches up');
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
