import { z } from 'zod';

export const RECORDING_STATUSES = ['recording', 'finished', 'failed'] as const;

/** What is known about one recording; persisted so that it survives a server restart. */
export const recordingInfoSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  meetingId: z.string().min(1).max(128),
  status: z.enum(RECORDING_STATUSES),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
  /** Absolute folder holding the playlist, the segments and the MP4. */
  dir: z.string().min(1),
  /** File names inside dir. */
  playlist: z.string().min(1),
  mp4: z.string().min(1).nullable(),
  /** Media duration (seconds) and segments listed so far. */
  durationS: z.number().nonnegative(),
  segments: z.number().int().nonnegative(),
  /** Encoder runs so far: more than one means ffmpeg or the server was restarted mid-recording. */
  epochs: z.number().int().nonnegative(),
  error: z.string().nullable(),
});
export type RecordingInfo = z.infer<typeof recordingInfoSchema>;
export type RecordingStatus = RecordingInfo['status'];

/**
 * Where recording state is kept (Redis in production: RedisRecordingStore). A recording whose
 * status is still 'recording' after a restart was interrupted: resume it or finalise it.
 */
export interface RecordingStore {
  put(info: RecordingInfo): Promise<void>;
  get(id: string): Promise<RecordingInfo | null>;
  /** The meeting's recording in progress, if any. */
  inProgress(meetingId: string): Promise<RecordingInfo | null>;
  /** Every recording in progress. */
  listInProgress(): Promise<RecordingInfo[]>;
  /** Newest first, optionally one meeting's only. */
  list(options?: { meetingId?: string; limit?: number }): Promise<RecordingInfo[]>;
}

/** A store in memory, for tests and single-process tools. */
export class MemoryRecordingStore implements RecordingStore {
  readonly #items = new Map<string, RecordingInfo>();

  async put(info: RecordingInfo): Promise<void> {
    this.#items.set(info.id, recordingInfoSchema.parse(structuredClone(info)));
  }

  async get(id: string): Promise<RecordingInfo | null> {
    const info = this.#items.get(id);
    return info ? structuredClone(info) : null;
  }

  async inProgress(meetingId: string): Promise<RecordingInfo | null> {
    return (await this.listInProgress()).find((r) => r.meetingId === meetingId) ?? null;
  }

  async listInProgress(): Promise<RecordingInfo[]> {
    return (await this.list()).filter((r) => r.status === 'recording');
  }

  async list(options: { meetingId?: string; limit?: number } = {}): Promise<RecordingInfo[]> {
    return [...this.#items.values()]
      .filter((r) => !options.meetingId || r.meetingId === options.meetingId)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, options.limit ?? 200)
      .map((r) => structuredClone(r));
  }
}
