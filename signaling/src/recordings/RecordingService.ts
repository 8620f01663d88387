import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { getLogger, type Logger } from '../../../sfu/src/index.ts';
import { Recorder, recordingKeys, type RecordingInfo } from '../../../recorder/src/index.ts';
import type { AuditLog } from '../audit/AuditLog.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import type { MeetingManager } from '../meetings/MeetingManager.ts';
import type { MeetingRoom } from '../meetings/MeetingRoom.ts';
import { recordingSourceOf } from '../meetings/recordingSource.ts';
import type { Meeting, SessionUser } from '../protocol/index.ts';
import type { MeetingStore } from '../store/MeetingStore.ts';

export interface RecordingListItem extends RecordingInfo {
  meetingTitle: string;
  sizeBytes: number;
}

const RETENTION_KEY = 'yl:settings:recording-retention-days';
const DAY_MS = 24 * 3600_000;

/**
 * Meeting recordings as users see them: the chair (or an admin) starts and stops a meeting's
 * recording, a meeting set to record automatically starts when its room opens, a room closing
 * stops it, an interrupted recording resumes when its meeting runs again. Every venue present is
 * told whether it is being recorded. Only users who may see a meeting may see its recordings.
 */
export class RecordingService {
  readonly recorder: Recorder;
  readonly #manager: MeetingManager;
  readonly #meetings: MeetingStore;
  readonly #redis: Redis;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #retentionTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: { recorder: Recorder; manager: MeetingManager; meetings: MeetingStore; redis: Redis; audit: AuditLog }) {
    this.recorder = options.recorder;
    this.#manager = options.manager;
    this.#meetings = options.meetings;
    this.#redis = options.redis;
    this.#audit = options.audit;
    this.#logger = getLogger('RecordingService');
    this.#manager.on('roomOpened', this.#roomOpened);
    this.#manager.on('roomClosed', this.#roomClosed);
    this.#retentionTimer = setInterval(() => void this.applyRetention().catch((err: unknown) => this.#logger.error({ err }, 'retention failed')), DAY_MS / 24);
  }

  /** Whether a meeting is being recorded now (told to venues as they join). */
  isRecording(meetingId: string): boolean {
    return this.recorder.get(meetingId) !== undefined;
  }

  async start(user: SessionUser, meetingId: string, source: string): Promise<RecordingInfo> {
    const room = this.#manager.getRoom(meetingId);
    this.#assertControls(user, room?.meeting ?? (await this.#meeting(meetingId)));
    if (!room) throw conflict('no venue is in this meeting yet; recording starts once the meeting runs');
    if (this.isRecording(meetingId)) throw conflict('this meeting is already being recorded');
    const info = await this.#startFor(room);
    await this.#audit.append({ at: new Date().toISOString(), actor: user.username, action: 'recording.start', source, target: `recording:${info.id}`, after: info });
    return info;
  }

  async stop(user: SessionUser, meetingId: string, source: string): Promise<RecordingInfo> {
    this.#assertControls(user, this.#manager.getRoom(meetingId)?.meeting ?? (await this.#meeting(meetingId)));
    if (!this.isRecording(meetingId)) throw conflict('this meeting is not being recorded');
    const info = await this.#stopFor(meetingId);
    await this.#audit.append({ at: new Date().toISOString(), actor: user.username, action: 'recording.stop', source, target: `recording:${info.id}`, after: info });
    return info;
  }

  /** Recordings the user may see, newest first. */
  async list(user: SessionUser, meetingId?: string): Promise<RecordingListItem[]> {
    const items = await this.recorder.list({ meetingId, limit: 500 });
    const visible: RecordingListItem[] = [];
    for (const info of items) {
      const meeting = await this.#meetings.get(info.meetingId);
      if (!meeting || !canSee(user, meeting)) continue;
      visible.push({ ...info, meetingTitle: meeting.title, sizeBytes: await folderSize(info.dir) });
    }
    return visible;
  }

  /** The recording, if the user may see it (404 otherwise, so ids cannot be probed). */
  async visible(user: SessionUser, recordingId: string): Promise<RecordingInfo> {
    const info = await this.recorder.info(recordingId);
    const meeting = info ? await this.#meetings.get(info.meetingId) : null;
    if (!info || !meeting || !canSee(user, meeting)) throw notFound('no such recording');
    return info;
  }

  /** Deletes a finished recording's files and entry (admins only; audited with what was deleted). */
  async delete(user: SessionUser, recordingId: string, source: string): Promise<void> {
    if (user.role !== 'admin') throw forbidden('only an admin can delete recordings');
    const info = await this.recorder.info(recordingId);
    if (!info) throw notFound('no such recording');
    if (info.status === 'recording') throw conflict('stop the recording before deleting it');
    await this.#remove(info);
    await this.#audit.append({ at: new Date().toISOString(), actor: user.username, action: 'recording.delete', source, target: `recording:${info.id}`, before: info });
  }

  async retentionDays(): Promise<number | null> {
    const raw = await this.#redis.get(RETENTION_KEY);
    return raw ? Number(raw) : null;
  }

  async setRetentionDays(user: SessionUser, days: number | null, source: string): Promise<void> {
    if (user.role !== 'admin') throw forbidden('only an admin can change the retention of recordings');
    const before = await this.retentionDays();
    if (days === null) await this.#redis.del(RETENTION_KEY);
    else await this.#redis.set(RETENTION_KEY, String(days));
    await this.#audit.append({ at: new Date().toISOString(), actor: user.username, action: 'recording.retention', source, target: 'settings:recording-retention-days', before, after: days });
  }

  /** Deletes finished recordings older than the retention setting (none when unset). */
  async applyRetention(): Promise<number> {
    const days = await this.retentionDays();
    if (!days) return 0;
    const cutoff = Date.now() - days * DAY_MS;
    let removed = 0;
    for (const info of await this.recorder.list({ limit: 10_000 })) {
      if (info.status === 'recording' || Date.parse(info.startedAt) >= cutoff) continue;
      await this.#remove(info);
      await this.#audit.append({ at: new Date().toISOString(), actor: 'system', action: 'recording.expire', source: 'server', target: `recording:${info.id}`, before: info });
      removed++;
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#retentionTimer);
    this.#manager.off('roomOpened', this.#roomOpened);
    this.#manager.off('roomClosed', this.#roomClosed);
    // Recordings in progress stay "recording" in the store and resume when their meeting runs again.
    await this.recorder.close();
  }

  readonly #roomOpened = (room: MeetingRoom): void => {
    void (async () => {
      const interrupted = (await this.recorder.interrupted()).some((r) => r.meetingId === room.meeting.id);
      if (interrupted || room.meeting.autoRecord) await this.#startFor(room);
    })().catch((err: unknown) => this.#logger.error({ err, meetingId: room.meeting.id }, 'could not start the recording'));
  };

  readonly #roomClosed = (room: MeetingRoom): void => {
    if (!this.isRecording(room.meeting.id) || this.#closed) return;
    this.#stopFor(room.meeting.id).catch((err: unknown) => this.#logger.error({ err, meetingId: room.meeting.id }, 'could not stop the recording'));
  };

  async #startFor(room: MeetingRoom): Promise<RecordingInfo> {
    const info = await this.recorder.start({
      meetingId: room.meeting.id,
      source: recordingSourceOf(room),
      createTap: (producerId, target) => room.createPlainTap(producerId, target),
    });
    room.recording = true;
    room.notifyAll('meeting.recording', { recording: true });
    return info;
  }

  async #stopFor(meetingId: string): Promise<RecordingInfo> {
    const room = this.#manager.getRoom(meetingId);
    if (room) {
      room.recording = false;
      room.notifyAll('meeting.recording', { recording: false });
    }
    return this.recorder.stop(meetingId);
  }

  async #meeting(meetingId: string): Promise<Meeting> {
    const meeting = await this.#meetings.get(meetingId);
    if (!meeting) throw notFound('no such meeting');
    return meeting;
  }

  #assertControls(user: SessionUser, meeting: Meeting): void {
    const chairs = user.role === 'admin' || (user.venueId === meeting.chairVenueId && (user.role === 'chair' || meeting.kind === 'adhoc'));
    if (!chairs) throw forbidden('only the chair of this meeting or an admin can record it');
  }

  async #remove(info: RecordingInfo): Promise<void> {
    await rm(info.dir, { recursive: true, force: true });
    const results = await this.#redis
      .multi()
      .del(recordingKeys.recording(info.id))
      .zrem(recordingKeys.all, info.id)
      .zrem(recordingKeys.meeting(info.meetingId), info.id)
      .exec();
    for (const [err] of results ?? []) if (err) throw err;
  }
}

export function canSee(user: SessionUser, meeting: Meeting): boolean {
  if (user.role === 'admin' || user.role === 'chair' || user.role === 'dispatcher') return true;
  return user.venueId !== null && meeting.invitedVenueIds.includes(user.venueId);
}

async function folderSize(dir: string): Promise<number> {
  try {
    let total = 0;
    for (const name of await readdir(dir)) total += (await stat(path.join(dir, name))).size;
    return total;
  } catch {
    return 0;
  }
}
