import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EnhancedEventEmitter, getLogger, type Logger } from '../../sfu/src/index.ts';
import { AudioMixer } from './AudioMixer.ts';
import { Compositor } from './Compositor.ts';
import type { RecorderConfig } from './config.ts';
import { DecoderSwitcher, inputsKey } from './DecoderSwitcher.ts';
import { RecorderError } from './errors.ts';
import { finishFiles } from './finalize.ts';
import { HlsPlaylist, PLAYLIST_NAME, type PlaylistEntry } from './HlsPlaylist.ts';
import { MediaDecoder, type DecoderInput } from './MediaDecoder.ts';
import type { PortAllocator } from './PortAllocator.ts';
import { ProgrammeClock } from './ProgrammeClock.ts';
import type { RecordingInfo, RecordingStore } from './RecordingStore.ts';
import { isWholeSegment, SegmentEncoder } from './SegmentEncoder.ts';
import { stampedFrameSize, writeStampedFrame } from './stampedFrame.ts';
import { recordingAudioSchema, recordingLayoutSchema, type RecordingLayout, type RecordingSource, type TapFactory } from './types.ts';

export type RecordingEvents = {
  /** A segment was appended to the playlist. */
  segment: [entry: PlaylistEntry];
  /** ffmpeg's encoder died and a new one took over (a new epoch in the playlist). */
  encoderRestarted: [epoch: number];
  /** The recording stopped on an error it cannot recover from; what was written stays playable. */
  failed: [error: Error];
  '@close': [];
};

export interface RecordingOptions {
  id: string;
  meetingId: string;
  source: RecordingSource;
  createTap: TapFactory;
  store: RecordingStore;
  config: RecorderConfig;
  ports: PortAllocator;
  /** An interrupted recording to continue in the same folder and playlist. */
  resume?: RecordingInfo;
}

const ENCODER_DEATHS_ALLOWED = 5;
const DEATH_WINDOW_MS = 60_000;
const PERSIST_EVERY_MS = 5000;

/**
 * One meeting's recording: a composite programme (layout of venue pictures, mix of audible
 * venues) encoded to HLS. Decoders (one for pictures, one for sound, changed make-before-break)
 * feed the compositor and the mixer; a steady clock takes one picture and its sound every frame
 * and writes them to the encoder, so the timeline never waits for a venue. A dead encoder is
 * replaced (new epoch, EXT-X-DISCONTINUITY); what is listed in the playlist is never rewritten.
 */
export class Recording extends EnhancedEventEmitter<RecordingEvents> {
  readonly id: string;
  readonly meetingId: string;
  readonly dir: string;
  readonly #options: RecordingOptions;
  readonly #config: RecorderConfig;
  readonly #playlist: HlsPlaylist;
  readonly #compositor: Compositor;
  readonly #mixer = new AudioMixer();
  readonly #video: DecoderSwitcher;
  readonly #audio: DecoderSwitcher;
  readonly #clock: ProgrammeClock;
  readonly #logger: Logger;
  readonly #layouts = new Map<string, RecordingLayout>();
  readonly #encoderDeaths: number[] = [];
  #info: RecordingInfo;
  #encoder: SegmentEncoder | null = null;
  /** Wall-clock time of the current encoder epoch's first frame (PROGRAM-DATE-TIME origin). */
  #epoch = { wallMs: 0 };
  #starting: Promise<void> | null = null;
  #appending: Promise<void> = Promise.resolve();
  #disposeSource: (() => void) | null = null;
  #reconcileQueued = false;
  #persistTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #decoderSeq = 0;
  #pictureNumber = 0;
  #ending: Promise<RecordingInfo> | null = null;

  static async create(options: RecordingOptions): Promise<Recording> {
    const { config, resume } = options;
    const dir = resume?.dir ?? path.join(config.outputDir, options.id);
    await mkdir(dir, { recursive: true });
    const playlist = await HlsPlaylist.open({ dir, targetDuration: config.segmentSeconds, liveStartOffset: 2 * config.segmentSeconds });
    if (playlist.ended) throw new RecorderError('conflict', 'that recording has already finished');
    const now = new Date().toISOString();
    const info: RecordingInfo = resume
      ? { ...resume, status: 'recording', updatedAt: now }
      : {
          id: options.id,
          meetingId: options.meetingId,
          status: 'recording',
          startedAt: now,
          endedAt: null,
          updatedAt: now,
          dir,
          playlist: PLAYLIST_NAME,
          mp4: null,
          durationS: 0,
          segments: 0,
          epochs: 0,
          error: null,
        };
    const recording = new Recording(options, dir, playlist, info);
    try {
      await recording.#startEncoder();
    } catch (error) {
      await recording.#end('failed', error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    recording.#begin();
    return recording;
  }

  private constructor(options: RecordingOptions, dir: string, playlist: HlsPlaylist, info: RecordingInfo) {
    super();
    this.id = options.id;
    this.meetingId = options.meetingId;
    this.dir = dir;
    this.#options = options;
    this.#config = options.config;
    this.#playlist = playlist;
    this.#info = info;
    this.#logger = getLogger('Recording', { recordingId: this.id, meetingId: this.meetingId });
    this.#compositor = new Compositor(this.#config.width, this.#config.height);
    this.#video = new DecoderSwitcher({ create: (inputs) => this.#createDecoder('video', inputs), logger: this.#logger.child({ decoders: 'video' }) });
    this.#audio = new DecoderSwitcher({ create: (inputs) => this.#createDecoder('audio', inputs), logger: this.#logger.child({ decoders: 'audio' }) });
    const { width, height } = this.#config;
    this.#clock = new ProgrammeClock({
      fps: this.#config.fps,
      frameSize: stampedFrameSize(width, height),
      picture: (into) => writeStampedFrame(into, this.#compositor.picture, width, height, this.#pictureNumber++),
      sound: (samples) => this.#mixer.mix(samples),
      sink: () => this.#encoder,
      dropped: (frameMs) => {
        this.#epoch.wallMs += frameMs;
      },
      logger: this.#logger,
    });
    this.#video.on('video', (producerId, frame, w, h) => this.#compositor.putFrame(producerId, frame, w, h));
    this.#video.on('paused', (producerId, paused) => this.#compositor.setPaused(producerId, paused));
    this.#video.on('switched', (inputs, previous) => {
      const layout = this.#layouts.get(inputsKey(inputs));
      if (layout) this.#compositor.setLayout(layout);
      for (const gone of idsNotIn(previous, inputs)) this.#compositor.forget(gone);
    });
    this.#audio.on('audio', (producerId, pcm) => this.#mixer.push(producerId, pcm));
    this.#audio.on('switched', (inputs, previous) => this.#mixer.remove(idsNotIn(previous, inputs)));
    this.#video.on('inputLost', (producerId) => {
      this.#compositor.forget(producerId);
      this.#queueReconcile();
    });
    this.#audio.on('inputLost', () => this.#queueReconcile());
  }

  get info(): RecordingInfo {
    return { ...this.#info };
  }

  get closed(): boolean {
    return this.#ending !== null;
  }

  /** Process ids of the encoder and the decoders (for monitoring and fault tests). */
  get pids(): { encoder: number | undefined; video: number[]; audio: number[] } {
    return { encoder: this.#encoder?.pid, video: this.#video.pids, audio: this.#audio.pids };
  }

  /** The layout on the programme now and, per pane, the producer it shows (null: empty pane). */
  get showing(): { kind: RecordingLayout['kind']; panes: (string | null)[] } {
    return { kind: this.#compositor.layout.kind, panes: this.#compositor.showing() };
  }

  /**
   * Frames written (repeats included), repeated (the picture held while the encoder caught up)
   * and dropped (lost from the timeline), the encoder epoch, and frames queued for the encoder now.
   */
  get stats(): { framesWritten: number; framesRepeated: number; framesDropped: number; epoch: number; encoderBacklogFrames: number } {
    const backlog = (this.#encoder?.backlog ?? 0) / stampedFrameSize(this.#config.width, this.#config.height);
    return {
      framesWritten: this.#clock.written,
      framesRepeated: this.#clock.repeated,
      framesDropped: this.#clock.dropped,
      epoch: this.#info.epochs - 1,
      encoderBacklogFrames: Math.round(backlog),
    };
  }

  /** Stops recording: the last segment is written, the playlist ended, the MP4 exported. */
  async stop(): Promise<RecordingInfo> {
    return this.#end('finished');
  }

  /**
   * Stops without finishing (server shutdown): processes are killed, the status stays
   * 'recording' so that a later start for the meeting resumes this recording. Idempotent.
   */
  async close(): Promise<void> {
    await this.#end('interrupted');
  }

  #begin(): void {
    this.#disposeSource = this.#options.source.onChange(() => this.#queueReconcile());
    this.#reconcile();
    this.#clock.start();
    this.#persistTimer = setInterval(() => {
      if (this.#dirty) void this.#persist();
    }, PERSIST_EVERY_MS);
    void this.#persist();
    this.#logger.info({ dir: this.dir, resumed: this.#info.segments > 0 }, 'recording started');
  }

  #queueReconcile(): void {
    if (this.#reconcileQueued || this.#ending) return;
    this.#reconcileQueued = true;
    setImmediate(() => {
      this.#reconcileQueued = false;
      if (!this.#ending) this.#reconcile();
    });
  }

  /** Reads the source and points the decoders and the compositor at what it wants now. */
  #reconcile(): void {
    let wanted: { layout: unknown; audio: unknown };
    try {
      wanted = { layout: this.#options.source.layout(), audio: this.#options.source.audio() };
    } catch (error) {
      this.#logger.error({ err: error }, 'the meeting could not say what to record');
      return;
    }
    const layout = recordingLayoutSchema.safeParse(wanted.layout);
    const audio = recordingAudioSchema.array().safeParse(wanted.audio);
    if (!layout.success || !audio.success) {
      this.#logger.error({ layout: layout.error?.message, audio: audio.error?.message }, 'the meeting gave an invalid layout or audio list');
      return;
    }
    const videoInputs = this.#videoInputs(layout.data);
    const key = inputsKey(videoInputs);
    this.#layouts.set(key, layout.data);
    if (this.#layouts.size > 8) this.#layouts.delete(this.#layouts.keys().next().value!);
    // Same pictures at the same sizes (panes swapped, say): no decoder change is needed.
    if (inputsKey(this.#video.activeInputs) === key) this.#compositor.setLayout(layout.data);
    this.#video.setInputs(videoInputs);
    const audioIds = [...new Set(audio.data.map((a) => a.producerId))].sort();
    this.#audio.setInputs(audioIds.map((producerId) => ({ kind: 'audio', producerId })));
    this.#mixer.setAudible(audio.data.filter((a) => a.audible).map((a) => a.producerId));
  }

  #videoInputs(layout: RecordingLayout): DecoderInput[] {
    const rects = this.#compositor.rects(layout);
    const seen = new Set<string>();
    const inputs: DecoderInput[] = [];
    layout.panes.forEach((producerId, i) => {
      const rect = rects[i];
      if (!producerId || !rect || seen.has(producerId)) return;
      seen.add(producerId);
      inputs.push({ kind: 'video', producerId, width: rect.w, height: rect.h });
    });
    return inputs;
  }

  #createDecoder(kind: 'video' | 'audio', inputs: DecoderInput[]): Promise<MediaDecoder> {
    return MediaDecoder.create({
      inputs,
      createTap: this.#options.createTap,
      ports: this.#options.ports,
      ffmpegPath: this.#config.ffmpegPath,
      rtpIp: this.#config.rtpIp,
      workDir: this.dir,
      name: `${kind}-${this.#decoderSeq++}`,
      logger: this.#logger.child({ decoder: kind }),
    });
  }

  async #startEncoder(): Promise<void> {
    const number = Math.max(this.#info.epochs, this.#playlist.lastEpoch + 1);
    const encoder = await SegmentEncoder.create({ config: this.#config, dir: this.dir, epoch: number, logger: this.#logger });
    if (this.#ending) {
      await encoder.close();
      return;
    }
    this.#info.epochs = number + 1;
    this.#dirty = true;
    const epoch = { wallMs: 0 };
    let first = true;
    encoder.on('segment', (segment) => {
      const entry: PlaylistEntry = {
        file: segment.file,
        duration: segment.end - segment.start,
        programDateTime: new Date(epoch.wallMs + segment.start * 1000).toISOString(),
        discontinuity: first,
      };
      first = false;
      this.#appending = this.#appending
        .then(() => this.#append(entry))
        .catch((error: unknown) => {
          // The playlist cannot be written (disk full, folder gone): nothing more can be kept.
          void this.#end('failed', error instanceof Error ? error : new Error(String(error)));
        });
    });
    encoder.on('died', () => this.#onEncoderDied(encoder));
    if (encoder.dead) queueMicrotask(() => this.#onEncoderDied(encoder));
    this.#epoch = epoch;
    this.#clock.onFirstFrame = () => {
      epoch.wallMs = Date.now();
    };
    this.#encoder = encoder;
    this.#clock.newEpoch();
  }

  #onEncoderDied(encoder: SegmentEncoder): void {
    if (this.#encoder !== encoder || this.#ending) return;
    this.#encoder = null;
    const now = Date.now();
    this.#encoderDeaths.push(now);
    while (now - this.#encoderDeaths[0]! > DEATH_WINDOW_MS) this.#encoderDeaths.shift();
    if (this.#encoderDeaths.length > ENCODER_DEATHS_ALLOWED) {
      void this.#end('failed', new Error(`the encoder died ${this.#encoderDeaths.length} times within a minute`));
      return;
    }
    this.#logger.warn({ epoch: encoder.epoch }, 'encoder died, starting a new epoch');
    this.#starting = this.#startEncoder().then(
      () => {
        if (!this.#ending) this.safeEmit('encoderRestarted', this.#info.epochs - 1);
      },
      (error: unknown) => void this.#end('failed', error instanceof Error ? error : new Error(String(error))),
    );
  }

  async #append(entry: PlaylistEntry): Promise<void> {
    if (!(await isWholeSegment(path.join(this.dir, entry.file)))) {
      this.#logger.warn({ file: entry.file }, 'segment is not a whole MPEG-TS file, not listing it');
      return;
    }
    await this.#playlist.append(entry);
    this.#info.segments = this.#playlist.entries.length;
    this.#info.durationS = round3(this.#playlist.duration);
    this.#dirty = true;
    this.safeEmit('segment', entry);
  }

  #end(how: 'finished' | 'interrupted' | 'failed', error?: Error): Promise<RecordingInfo> {
    this.#ending ??= this.#doEnd(how, error);
    return this.#ending;
  }

  async #doEnd(how: 'finished' | 'interrupted' | 'failed', error?: Error): Promise<RecordingInfo> {
    this.#logger.info({ how, err: error }, 'recording ending');
    this.#disposeSource?.();
    this.#clock.stop();
    // The recording covers up to now; the encoder may still take a moment to write it out.
    const stoppedAt = new Date().toISOString();
    clearInterval(this.#persistTimer);
    await Promise.all([this.#video.close(), this.#audio.close()]);
    await this.#starting;
    const encoder = this.#encoder;
    this.#encoder = null;
    if (encoder && how === 'finished') await encoder.finish();
    else await encoder?.close();
    await this.#appending;
    if (how !== 'interrupted') {
      this.#info.status = how;
      this.#info.endedAt = stoppedAt;
      const files = await finishFiles({ playlist: this.#playlist, dir: this.dir, ffmpegPath: this.#config.ffmpegPath, logger: this.#logger });
      this.#info.mp4 = files.mp4;
      this.#info.error = error?.message ?? files.error;
    }
    await this.#persist();
    if (how === 'failed') {
      this.#logger.error({ err: error }, 'recording failed');
      this.safeEmit('failed', error ?? new Error('recording failed'));
    }
    this.#logger.info({ status: this.#info.status, durationS: this.#info.durationS, segments: this.#info.segments }, 'recording closed');
    this.safeEmit('@close');
    return this.info;
  }

  async #persist(): Promise<void> {
    this.#dirty = false;
    this.#info.updatedAt = new Date().toISOString();
    try {
      await this.#options.store.put({ ...this.#info });
    } catch (error) {
      this.#dirty = true;
      this.#logger.warn({ err: error }, 'cannot save recording state, will retry');
    }
  }
}

const idsNotIn = (previous: DecoderInput[], current: DecoderInput[]) => {
  const now = new Set(current.map((i) => i.producerId));
  return previous.map((i) => i.producerId).filter((id) => !now.has(id));
};

const round3 = (n: number) => Math.round(n * 1000) / 1000;
