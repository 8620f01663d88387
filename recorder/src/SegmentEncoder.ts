import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EnhancedEventEmitter, type Logger } from '../../sfu/src/index.ts';
import type { RecorderConfig } from './config.ts';
import { FfmpegProcess } from './FfmpegProcess.ts';
import { AUDIO_RATE } from './MediaDecoder.ts';
import { STAMP_ROWS, unstampFilters } from './stampedFrame.ts';

/** A finished segment as ffmpeg reports it: times in seconds of this encoder's timeline. */
export interface EncodedSegment {
  file: string;
  start: number;
  end: number;
}

export type SegmentEncoderEvents = {
  segment: [segment: EncodedSegment];
  /** ffmpeg exited unexpectedly; every segment it finished has been reported. */
  died: [];
};

const SEGMENT_NAME = /^seg-\d+-\d+\.ts$/;

/**
 * One encoder "epoch": an ffmpeg reading the composite picture (raw yuv420p on stdin, under its
 * stamp band: see stampedFrame.ts) and sound (48 kHz mono s16le on fd 3) at a constant rate,
 * encoding H.264 + AAC and cutting MPEG-TS segments of `segmentSeconds` (a key frame opens each),
 * named seg-<epoch>-<n>.ts. Repeated pictures are dropped before the encoder, so the video may
 * have holes in time that the sound and the segment times still cover. ffmpeg lists each segment
 * on stdout once it is written; the recording owns the playlist.
 */
export class SegmentEncoder extends EnhancedEventEmitter<SegmentEncoderEvents> {
  readonly epoch: number;
  readonly #ffmpeg: FfmpegProcess;
  readonly #logger: Logger;

  static async create(options: { config: RecorderConfig; dir: string; epoch: number; logger: Logger }): Promise<SegmentEncoder> {
    const logger = options.logger.child({ epoch: options.epoch });
    const ffmpeg = await FfmpegProcess.create({
      ffmpegPath: options.config.ffmpegPath,
      args: encoderArgs(options.config, options.dir, options.epoch),
      stdin: true,
      stdout: true,
      pipes: ['write'],
      logger,
    });
    return new SegmentEncoder(options.epoch, ffmpeg, logger);
  }

  private constructor(epoch: number, ffmpeg: FfmpegProcess, logger: Logger) {
    super();
    this.epoch = epoch;
    this.#ffmpeg = ffmpeg;
    this.#logger = logger;
    createInterface({ input: ffmpeg.readable(1) }).on('line', (line) => this.#onListLine(line));
    ffmpeg.on('died', () => this.safeEmit('died'));
  }

  get pid(): number | undefined {
    return this.#ffmpeg.pid;
  }

  /** ffmpeg died (also true when it died before anyone listened for `died`). */
  get dead(): boolean {
    return this.#ffmpeg.died;
  }

  /** Bytes handed to ffmpeg that it has not read yet. */
  get backlog(): number {
    return this.#ffmpeg.writable(0).writableLength + this.#ffmpeg.writable(3).writableLength;
  }

  /** Writes one picture and the sound that goes with it; `done` when the picture buffer is free again. */
  write(picture: Buffer, sound: Buffer, done: () => void): void {
    if (this.#ffmpeg.exited) {
      done();
      return;
    }
    this.#ffmpeg.writable(0).write(picture, () => done());
    this.#ffmpeg.writable(3).write(sound);
  }

  /** Ends the input: ffmpeg writes the last segment, lists it, and exits. */
  async finish(): Promise<void> {
    const { code, signal } = await this.#ffmpeg.finish();
    if (code !== 0) this.#logger.warn({ code, signal, stderr: this.#ffmpeg.stderrTail.slice(-5) }, 'encoder did not exit cleanly');
  }

  /** Kills ffmpeg (the segment being written is lost) and awaits its exit. */
  async close(): Promise<void> {
    await this.#ffmpeg.close();
  }

  #onListLine(line: string): void {
    const [file, start, end] = line.trim().split(',');
    const s = Number(start);
    const e = Number(end);
    if (!file || !SEGMENT_NAME.test(file) || !Number.isFinite(s) || !Number.isFinite(e) || e < s) {
      this.#logger.warn({ line }, 'unexpected segment list line from ffmpeg');
      return;
    }
    this.safeEmit('segment', { file, start: s, end: e });
  }
}

/** Whether a segment file is there and whole: MPEG-TS packets of 188 bytes, at least one. */
export async function isWholeSegment(file: string): Promise<boolean> {
  try {
    const { size } = await stat(file);
    return size > 0 && size % 188 === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function encoderArgs(c: RecorderConfig, dir: string, epoch: number): string[] {
  const gop = String(c.fps * c.segmentSeconds);
  return [
    '-loglevel', 'warning',
    // A short queue of raw pictures (1.4 MB each at 720p): backpressure reaches our clock instead.
    '-thread_queue_size', '4',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-video_size', `${c.width}x${c.height + STAMP_ROWS}`, '-framerate', String(c.fps),
    '-i', 'pipe:0',
    '-thread_queue_size', '64',
    '-f', 's16le', '-sample_rate', String(AUDIO_RATE), '-ch_layout', 'mono',
    '-i', 'pipe:3',
    '-map', '0:v', '-map', '1:a',
    // Repeats dropped (at most half a second in a row), the band cropped; timestamps kept as they are.
    '-vf', unstampFilters(c.width, c.height, Math.max(1, Math.floor(c.fps / 2))), '-fps_mode:v', 'vfr',
    '-c:v', 'libx264', '-preset', c.x264Preset, '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0',
    // A key frame on each segment boundary by time, since frames may be missing.
    '-force_key_frames', `expr:gte(t,n_forced*${c.segmentSeconds})`,
    // Each picture lasts until the next, so a segment's listed end is where the next one starts.
    '-bsf:v', 'setts=duration=if(eq(NEXT_PTS\\,NOPTS)\\,DURATION\\,NEXT_PTS-PTS)',
    '-b:v', `${c.videoBitrateKbps}k`, '-maxrate', `${Math.round(c.videoBitrateKbps * 1.2)}k`, '-bufsize', `${c.videoBitrateKbps}k`,
    '-c:a', 'aac', '-b:a', `${c.audioBitrateKbps}k`,
    '-f', 'segment', '-segment_format', 'mpegts', '-segment_time', String(c.segmentSeconds),
    '-segment_list', 'pipe:1', '-segment_list_type', 'csv',
    path.join(dir, `seg-${epoch}-%05d.ts`),
  ];
}
