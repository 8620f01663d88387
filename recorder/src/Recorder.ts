import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { EnhancedEventEmitter, getLogger, KeyedQueue, type Logger } from '../../sfu/src/index.ts';
import type { RecorderConfig } from './config.ts';
import { RecorderError } from './errors.ts';
import { FfmpegProcess } from './FfmpegProcess.ts';
import { finalizeInterrupted } from './finalize.ts';
import { HlsPlaylist } from './HlsPlaylist.ts';
import { PortAllocator } from './PortAllocator.ts';
import { Recording } from './Recording.ts';
import type { RecordingInfo, RecordingStore } from './RecordingStore.ts';
import type { RecordingSource, TapFactory } from './types.ts';

export type RecorderEvents = {
  /** A recording stopped on an error (the chair should be told). */
  recordingFailed: [info: RecordingInfo, error: Error];
};

/**
 * The recording service of one signalling server: at most one live Recording per meeting,
 * started and stopped one at a time per meeting. A meeting whose recording was interrupted
 * (server restart) resumes it on the next start(); interrupted() lists those, finalize() closes
 * one that will not be resumed. close() (server shutdown) leaves live recordings resumable.
 */
export class Recorder extends EnhancedEventEmitter<RecorderEvents> {
  readonly #config: RecorderConfig;
  readonly #store: RecordingStore;
  readonly #ports: PortAllocator;
  readonly #queue = new KeyedQueue();
  readonly #live = new Map<string, Recording>();
  readonly #logger: Logger;
  #closed = false;

  /** Checks that ffmpeg runs and the output folder can be made; rejects otherwise. */
  static async create(options: { config: RecorderConfig; store: RecordingStore }): Promise<Recorder> {
    const { config } = options;
    await mkdir(config.outputDir, { recursive: true });
    const logger = getLogger('Recorder');
    const probe = await FfmpegProcess.create({ ffmpegPath: config.ffmpegPath, args: ['-loglevel', 'error', '-version'], logger });
    const { code } = await probe.finish();
    if (code !== 0) throw new RecorderError('recording_failed', `ffmpeg (${config.ffmpegPath}) does not run (exit ${code})`);
    return new Recorder(options.config, options.store);
  }

  private constructor(config: RecorderConfig, store: RecordingStore) {
    super();
    this.#config = config;
    this.#store = store;
    this.#ports = new PortAllocator({ ip: config.rtpIp, min: config.portMin, max: config.portMax });
    this.#logger = getLogger('Recorder');
  }

  /** The live recording of a meeting, if any. */
  get(meetingId: string): Recording | undefined {
    return this.#live.get(meetingId);
  }

  /** Starts recording a meeting, or resumes its interrupted recording. */
  async start(options: { meetingId: string; source: RecordingSource; createTap: TapFactory }): Promise<RecordingInfo> {
    const { meetingId } = options;
    return this.#queue.push(meetingId, async () => {
      if (this.#closed) throw new RecorderError('conflict', 'the recorder is shutting down');
      if (this.#live.has(meetingId)) throw new RecorderError('conflict', 'this meeting is already being recorded');
      let resume = (await this.#store.inProgress(meetingId)) ?? undefined;
      if (resume && (await HlsPlaylist.open({ dir: resume.dir, targetDuration: 1, liveStartOffset: 0 })).ended) {
        // The server died while that recording was being stopped: finish it, and record anew.
        await finalizeInterrupted({ info: resume, config: this.#config, store: this.#store, logger: this.#logger });
        resume = undefined;
      }
      const id = resume?.id ?? `rec_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
      const recording = await Recording.create({
        id,
        meetingId,
        source: options.source,
        createTap: options.createTap,
        store: this.#store,
        config: this.#config,
        ports: this.#ports,
        resume,
      });
      this.#live.set(meetingId, recording);
      recording.once('failed', (error) => this.safeEmit('recordingFailed', recording.info, error));
      recording.once('@close', () => {
        if (this.#live.get(meetingId) === recording) this.#live.delete(meetingId);
      });
      return recording.info;
    });
  }

  /** Stops a meeting's recording; resolves once the playlist is ended and the MP4 written. */
  async stop(meetingId: string): Promise<RecordingInfo> {
    return this.#queue.push(meetingId, async () => {
      const recording = this.#live.get(meetingId);
      if (!recording) throw new RecorderError('not_found', 'this meeting is not being recorded');
      return recording.stop();
    });
  }

  async info(recordingId: string): Promise<RecordingInfo | null> {
    for (const recording of this.#live.values()) if (recording.id === recordingId) return recording.info;
    return this.#store.get(recordingId);
  }

  async list(options: { meetingId?: string; limit?: number } = {}): Promise<RecordingInfo[]> {
    return this.#store.list(options);
  }

  /** Recordings left 'recording' by an earlier run of the server and not live here. */
  async interrupted(): Promise<RecordingInfo[]> {
    const live = new Set([...this.#live.values()].map((r) => r.id));
    return (await this.#store.listInProgress()).filter((r) => !live.has(r.id));
  }

  /** Ends an interrupted recording for good (playlist ended, MP4 exported, status finished). */
  async finalize(recordingId: string): Promise<RecordingInfo> {
    const info = await this.#store.get(recordingId);
    if (!info) throw new RecorderError('not_found', 'no such recording');
    return this.#queue.push(info.meetingId, async () => {
      if (this.#live.get(info.meetingId)?.id === recordingId) throw new RecorderError('conflict', 'that recording is live; stop it instead');
      if (info.status !== 'recording') throw new RecorderError('conflict', `that recording is already ${info.status}`);
      return finalizeInterrupted({ info, config: this.#config, store: this.#store, logger: this.#logger });
    });
  }

  /** Server shutdown: kills every live recording's processes, leaving them resumable. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info({ live: this.#live.size }, 'closing recorder');
    await Promise.all([...this.#live.values()].map((r) => r.close()));
    this.#live.clear();
  }
}
