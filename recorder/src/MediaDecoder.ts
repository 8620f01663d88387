import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EnhancedEventEmitter, OwnedTimers, type Logger } from '../../sfu/src/index.ts';
import { FfmpegProcess } from './FfmpegProcess.ts';
import type { PortAllocator } from './PortAllocator.ts';
import { buildSdp } from './sdp.ts';
import type { RecordingTap, TapFactory } from './types.ts';

export type DecoderInput =
  | { kind: 'video'; producerId: string; width: number; height: number }
  | { kind: 'audio'; producerId: string };

export type MediaDecoderEvents = {
  /**
   * A decoded picture, scaled and padded to the input's size (yuv420p). The buffer is reused for
   * the next picture: a listener that keeps it must copy it.
   */
  video: [producerId: string, frame: Buffer];
  /** Decoded sound: 48 kHz mono s16le. */
  audio: [producerId: string, pcm: Buffer];
  paused: [producerId: string, paused: boolean];
  /** The tap closed: its producer closed or the meeting's media was torn down. */
  inputLost: [producerId: string];
  died: [];
};

export const AUDIO_RATE = 48_000;
const KEYFRAME_RETRY_MS = 1500;
const WATCHDOG_MS = 2000;

interface Input {
  spec: DecoderInput;
  tap: RecordingTap;
  port: number;
  fd: number;
  lastDataAt: number;
  disposers: (() => void)[];
}

/**
 * One ffmpeg decoding a set of producers, each tapped from the SFU as plain RTP: video to raw
 * frames of a fixed size, audio to PCM, each on its own pipe. Taps are created paused and resumed
 * once ffmpeg listens; key frames are asked for at once, ~1.5 s later, and whenever a playing
 * video input has been silent for 2 s. A producer that cannot be tapped is left out (logged).
 */
export class MediaDecoder extends EnhancedEventEmitter<MediaDecoderEvents> {
  readonly #inputs: Input[];
  /** Producers that could not be tapped. */
  readonly missing: string[];
  readonly #ffmpeg: FfmpegProcess | undefined;
  readonly #ports: PortAllocator;
  readonly #sdpPath: string | undefined;
  readonly #logger: Logger;
  readonly #timers = new OwnedTimers();
  #closed = false;
  readonly #startedAt = Date.now();

  static async create(options: {
    inputs: DecoderInput[];
    createTap: TapFactory;
    ports: PortAllocator;
    ffmpegPath: string;
    rtpIp: string;
    workDir: string;
    name: string;
    logger: Logger;
  }): Promise<MediaDecoder> {
    const { ports, logger } = options;
    const tapped = await Promise.all(
      options.inputs.map(async (spec) => {
        const port = await ports.allocate();
        try {
          const tap = await options.createTap(spec.producerId, { ip: options.rtpIp, rtpPort: port, rtcpPort: port + 1 });
          return { spec, tap, port };
        } catch (error) {
          ports.release(port);
          logger.warn({ producerId: spec.producerId, err: error }, 'cannot tap producer, leaving it out');
          return null;
        }
      }),
    );
    const inputs: Input[] = tapped
      .filter((t): t is NonNullable<typeof t> => t !== null)
      .map((t, i) => ({ ...t, fd: 3 + i, lastDataAt: 0, disposers: [] }));
    const missing = options.inputs.map((i) => i.producerId).filter((id) => !inputs.some((i) => i.spec.producerId === id));
    if (inputs.length === 0) return new MediaDecoder({ inputs, missing, ports, logger });
    const sdpPath = path.join(options.workDir, `${options.name}.sdp`);
    let ffmpeg: FfmpegProcess | undefined;
    try {
      const sdp = buildSdp(
        options.rtpIp,
        inputs.map((i) => ({ kind: i.tap.kind, port: i.port, rtpParameters: i.tap.rtpParameters })),
      );
      await writeFile(sdpPath, sdp);
      ffmpeg = await FfmpegProcess.create({
        ffmpegPath: options.ffmpegPath,
        args: decoderArgs(sdpPath, inputs.map((i) => i.spec)),
        pipes: inputs.map(() => 'read'),
        logger,
      });
      await waitForUdpPorts(inputs.map((i) => i.port), 3000);
    } catch (error) {
      await ffmpeg?.close();
      for (const input of inputs) {
        input.tap.close();
        ports.release(input.port);
      }
      await rm(sdpPath, { force: true });
      throw error;
    }
    const decoder = new MediaDecoder({ inputs, missing, ports, logger, ffmpeg, sdpPath });
    await decoder.#start();
    return decoder;
  }

  private constructor(options: {
    inputs: Input[];
    missing: string[];
    ports: PortAllocator;
    logger: Logger;
    ffmpeg?: FfmpegProcess;
    sdpPath?: string;
  }) {
    super();
    this.#inputs = options.inputs;
    this.missing = options.missing;
    this.#ports = options.ports;
    this.#ffmpeg = options.ffmpeg;
    this.#sdpPath = options.sdpPath;
    this.#logger = options.logger.child({ decoderPid: options.ffmpeg?.pid });
    this.#ffmpeg?.on('died', () => this.safeEmit('died'));
  }

  get pid(): number | undefined {
    return this.#ffmpeg?.pid;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** ffmpeg died (also true when it died before anyone listened for `died`). */
  get dead(): boolean {
    return this.#ffmpeg?.died ?? false;
  }

  /** Producers actually being decoded (those that could be tapped). */
  get producerIds(): string[] {
    return this.#inputs.map((i) => i.spec.producerId);
  }

  isPaused(producerId: string): boolean {
    return this.#inputs.find((i) => i.spec.producerId === producerId)?.tap.producerPaused ?? false;
  }

  /** True once every input that is not paused has delivered something. */
  get ready(): boolean {
    return this.#inputs.every((i) => i.lastDataAt > 0 || i.tap.producerPaused || i.tap.closed);
  }

  async #start(): Promise<void> {
    const ffmpeg = this.#ffmpeg!;
    for (const input of this.#inputs) {
      const { producerId } = input.spec;
      const stream = ffmpeg.readable(input.fd);
      if (input.spec.kind === 'video') {
        const frameSize = (input.spec.width * input.spec.height * 3) / 2;
        splitFrames(stream, frameSize, (frame) => {
          if (input.lastDataAt === 0) this.#logger.debug({ producerId, afterMs: Date.now() - this.#startedAt }, 'first picture');
          input.lastDataAt = Date.now();
          this.safeEmit('video', producerId, frame);
        });
      } else {
        splitSamples(stream, (pcm) => {
          input.lastDataAt = Date.now();
          this.safeEmit('audio', producerId, pcm);
        });
      }
      const onPaused = () => this.safeEmit('paused', producerId, true);
      const onResumed = () => {
        this.#requestKeyFrame(input);
        this.safeEmit('paused', producerId, false);
      };
      const onClose = () => this.safeEmit('inputLost', producerId);
      input.tap.on('producerPaused', onPaused);
      input.tap.on('producerResumed', onResumed);
      input.tap.on('@close', onClose);
      input.disposers.push(
        () => input.tap.off('producerPaused', onPaused),
        () => input.tap.off('producerResumed', onResumed),
        () => input.tap.off('@close', onClose),
      );
    }
    await Promise.all(
      this.#inputs.map(async (input) => {
        try {
          await input.tap.resume();
        } catch (error) {
          this.#logger.warn({ producerId: input.spec.producerId, err: error }, 'cannot resume tap');
        }
        this.#requestKeyFrame(input);
      }),
    );
    this.#timers.after(KEYFRAME_RETRY_MS, () => {
      for (const input of this.#inputs) this.#requestKeyFrame(input);
    });
    this.#timers.every(WATCHDOG_MS, () => {
      const now = Date.now();
      for (const input of this.#inputs) {
        if (input.spec.kind === 'video' && !input.tap.producerPaused && now - input.lastDataAt > WATCHDOG_MS) {
          this.#requestKeyFrame(input);
        }
      }
    });
  }

  #requestKeyFrame(input: Input): void {
    if (input.spec.kind !== 'video' || input.tap.closed || this.#closed) return;
    input.tap.requestKeyFrame().catch((error: unknown) => {
      this.#logger.debug({ producerId: input.spec.producerId, err: error }, 'key frame request failed');
    });
  }

  /** Closes the taps, kills ffmpeg and awaits its exit, releases the ports. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.clear();
    for (const input of this.#inputs) {
      for (const dispose of input.disposers) dispose();
      input.tap.close();
    }
    await this.#ffmpeg?.close();
    for (const input of this.#inputs) this.#ports.release(input.port);
    if (this.#sdpPath) await rm(this.#sdpPath, { force: true });
  }
}

function decoderArgs(sdpPath: string, specs: DecoderInput[]): string[] {
  const args = [
    '-loglevel', 'warning',
    '-protocol_whitelist', 'file,udp,rtp',
    // Never give up on silent inputs (every producer may be paused for a long time).
    '-listen_timeout', '-1',
    '-reorder_queue_size', '0',
    // 1 MB socket buffers: a key frame burst survives ffmpeg being descheduled for a while.
    '-buffer_size', '1048576',
    '-sdp_flags', 'rtcp_to_source',
    '-analyzeduration', '0', '-probesize', '32',
    '-flags', 'low_delay',
    '-threads', '1',
    '-i', sdpPath,
  ];
  specs.forEach((spec, i) => {
    args.push('-map', `0:${i}`);
    if (spec.kind === 'video') {
      const { width: w, height: h } = spec;
      args.push(
        '-vf', `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=area,` +
          `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setpts=N/TB`,
        '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p',
      );
    } else {
      args.push('-af', `aresample=${AUDIO_RATE},asetpts=N/SR/TB`, '-ac', '1', '-ar', String(AUDIO_RATE), '-f', 's16le');
    }
    args.push(`pipe:${3 + i}`);
  });
  return args;
}

/** Cuts a byte stream into fixed-size frames, all in one reused buffer (no garbage per frame). */
function splitFrames(stream: NodeJS.ReadableStream, size: number, onFrame: (frame: Buffer) => void): void {
  const frame = Buffer.allocUnsafe(size);
  let filled = 0;
  stream.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === size) {
        onFrame(frame);
        filled = 0;
      }
    }
  });
}

/** Passes 16-bit samples on whole, carrying an odd byte over to the next chunk. */
function splitSamples(stream: NodeJS.ReadableStream, onPcm: (pcm: Buffer) => void): void {
  let carry: Buffer | null = null;
  stream.on('data', (chunk: Buffer) => {
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const whole = data.length - (data.length % 2);
    carry = whole < data.length ? Buffer.from(data.subarray(whole)) : null;
    if (whole > 0) onPcm(data.subarray(0, whole));
  });
}

/** Waits until ffmpeg has bound every RTP port (Linux /proc/net/udp), so no key frame is lost. */
async function waitForUdpPorts(ports: number[], timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const bound = new Set<number>();
    for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
      let text = '';
      try {
        text = await readFile(file, 'utf8');
      } catch {
        // No IPv6 (or no /proc): the other table, or the timeout, decides.
      }
      for (const line of text.split('\n').slice(1)) {
        const local = line.trim().split(/\s+/)[1];
        const hex = local?.split(':').pop();
        if (hex) bound.add(parseInt(hex, 16));
      }
    }
    if (ports.every((p) => bound.has(p))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
