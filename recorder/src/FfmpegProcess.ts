import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { EnhancedEventEmitter, type Logger } from '../../sfu/src/index.ts';
import { RecorderError } from './errors.ts';

export type FfmpegProcessEvents = {
  /** The process exited without finish() or close() being called; its output is fully read. */
  died: [code: number | null, signal: NodeJS.Signals | null];
};

export interface FfmpegProcessOptions {
  ffmpegPath: string;
  args: string[];
  logger: Logger;
  /** Pipes on fd 0 (stdin, written by us) and fd 1 (stdout, read by us). */
  stdin?: boolean;
  stdout?: boolean;
  /** Extra pipes from fd 3 on: 'read' = ffmpeg writes, we read; 'write' = we write. */
  pipes?: ('read' | 'write')[];
}

const STDERR_TAIL = 20;

/**
 * An ffmpeg child process wrapped like mediasoup's Worker: failing to start rejects create(),
 * an unexpected exit is `died` (emitted once every output pipe has been read to its end),
 * finish() ends its inputs and awaits a clean exit, close() kills it and awaits its exit.
 * stderr lines go to the logger at debug level; the last ones are logged when it dies.
 */
export class FfmpegProcess extends EnhancedEventEmitter<FfmpegProcessEvents> {
  readonly #child: ChildProcess;
  readonly #logger: Logger;
  readonly #writables: Writable[] = [];
  readonly #closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #stderrTail: string[] = [];
  #stopping = false;
  #exited = false;
  #died = false;

  static async create(options: FfmpegProcessOptions): Promise<FfmpegProcess> {
    const pipes = options.pipes ?? [];
    const child = spawn(options.ffmpegPath, ['-hide_banner', '-nostdin', ...options.args], {
      stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', 'pipe', ...pipes.map(() => 'pipe' as const)],
    });
    const ffmpeg = new FfmpegProcess(child, options);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) => {
        ffmpeg.#stopping = true;
        reject(new RecorderError('recording_failed', `ffmpeg could not be started (${options.ffmpegPath}): ${error.message}`));
      });
    });
    return ffmpeg;
  }

  private constructor(child: ChildProcess, options: FfmpegProcessOptions) {
    super();
    this.#child = child;
    this.#logger = options.logger.child({ pid: child.pid });
    const streams = child.stdio.filter((s): s is NonNullable<typeof s> => s !== null);
    for (const stream of streams) {
      // A dying ffmpeg breaks its pipes (EPIPE, ECONNRESET); that is reported by `died`.
      stream.on('error', (error: Error) => this.#logger.debug({ err: error }, 'ffmpeg pipe error'));
    }
    if (options.stdin && child.stdin) this.#writables.push(child.stdin);
    (options.pipes ?? []).forEach((direction, i) => {
      const stream = child.stdio[3 + i];
      if (direction === 'write' && stream) this.#writables.push(stream as Writable);
    });
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) => {
        this.#stderrTail.push(line);
        if (this.#stderrTail.length > STDERR_TAIL) this.#stderrTail.shift();
        this.#logger.debug({ ffmpeg: line }, 'ffmpeg says');
      });
    }
    child.once('exit', () => {
      this.#exited = true;
      // Nobody reads our writable pipes any more: release them so that 'close' can come.
      for (const w of this.#writables) w.destroy();
    });
    this.#closed = new Promise((resolve) => {
      child.once('close', (code, signal) => resolve({ code, signal }));
      child.once('error', () => {
        if (child.pid === undefined) resolve({ code: null, signal: null });
      });
    });
    void this.#closed.then(({ code, signal }) => {
      if (this.#stopping) return;
      this.#logger.warn({ code, signal, stderr: this.#stderrTail.slice(-8) }, 'ffmpeg exited unexpectedly');
      this.#died = true;
      this.safeEmit('died', code, signal);
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** True once `died` has been emitted (for listeners attached late). */
  get died(): boolean {
    return this.#died;
  }

  /** A pipe by file descriptor: 0 stdin, 1 stdout, 3… the extra pipes. */
  readable(fd: number): Readable {
    const stream = this.#child.stdio[fd];
    if (!stream) throw new Error(`ffmpeg has no pipe on fd ${fd}`);
    return stream as Readable;
  }

  writable(fd: number): Writable {
    const stream = this.#child.stdio[fd];
    if (!stream) throw new Error(`ffmpeg has no pipe on fd ${fd}`);
    return stream as Writable;
  }

  get stderrTail(): string[] {
    return [...this.#stderrTail];
  }

  /** Ends ffmpeg's inputs so it writes its trailers, then awaits its exit (killing it after timeoutMs). */
  async finish(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.#stopping = true;
    for (const w of this.#writables) w.end();
    const timer = setTimeout(() => {
      this.#logger.warn('ffmpeg did not finish in time, killing it');
      this.#child.kill('SIGKILL');
    }, timeoutMs);
    try {
      return await this.#closed;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills ffmpeg and awaits its exit. Idempotent. */
  async close(): Promise<void> {
    this.#stopping = true;
    if (!this.#exited) this.#child.kill('SIGKILL');
    await this.#closed;
  }
}
