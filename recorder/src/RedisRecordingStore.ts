import type { Redis } from 'ioredis';
import { recordingInfoSchema, type RecordingInfo, type RecordingStore } from './RecordingStore.ts';

/** Every Redis key of the recorder, in one place. */
export const recordingKeys = {
  recording: (id: string) => `yl:recording:rec:${id}`,
  /** All recordings by start time. */
  all: 'yl:recording:all',
  /** One meeting's recordings by start time. */
  meeting: (meetingId: string) => `yl:recording:meeting:${meetingId}`,
  /** meetingId → id of its recording in progress. */
  inProgress: 'yl:recording:in-progress',
} as const;

/** Removes the in-progress mark only if it still names this recording. */
const CLEAR_IN_PROGRESS = `if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('hdel', KEYS[1], ARGV[1]) end return 0`;

/** RecordingStore on Redis (the signalling service's connection; keys under `yl:recording:`). */
export class RedisRecordingStore implements RecordingStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async put(info: RecordingInfo): Promise<void> {
    const data = recordingInfoSchema.parse(info);
    const score = Date.parse(data.startedAt);
    const multi = this.#redis
      .multi()
      .set(recordingKeys.recording(data.id), JSON.stringify(data))
      .zadd(recordingKeys.all, score, data.id)
      .zadd(recordingKeys.meeting(data.meetingId), score, data.id);
    if (data.status === 'recording') multi.hset(recordingKeys.inProgress, data.meetingId, data.id);
    else multi.eval(CLEAR_IN_PROGRESS, 1, recordingKeys.inProgress, data.meetingId, data.id);
    assertExec(await multi.exec());
  }

  async get(id: string): Promise<RecordingInfo | null> {
    return parse(await this.#redis.get(recordingKeys.recording(id)));
  }

  async inProgress(meetingId: string): Promise<RecordingInfo | null> {
    const id = await this.#redis.hget(recordingKeys.inProgress, meetingId);
    return id ? this.get(id) : null;
  }

  async listInProgress(): Promise<RecordingInfo[]> {
    const ids = Object.values(await this.#redis.hgetall(recordingKeys.inProgress));
    return this.#many(ids);
  }

  async list(options: { meetingId?: string; limit?: number } = {}): Promise<RecordingInfo[]> {
    const key = options.meetingId ? recordingKeys.meeting(options.meetingId) : recordingKeys.all;
    return this.#many(await this.#redis.zrevrange(key, 0, (options.limit ?? 200) - 1));
  }

  async #many(ids: string[]): Promise<RecordingInfo[]> {
    if (ids.length === 0) return [];
    const raws = await this.#redis.mget(ids.map((id) => recordingKeys.recording(id)));
    return raws.map(parse).filter((r): r is RecordingInfo => r !== null);
  }
}

function parse(raw: string | null): RecordingInfo | null {
  if (raw === null) return null;
  const result = recordingInfoSchema.safeParse(JSON.parse(raw));
  if (!result.success) throw new Error(`stored recording is corrupt: ${result.error.message}`);
  return result.data;
}

/** ioredis resolves exec() with per-command errors after a lost connection: check every entry. */
function assertExec(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('the Redis transaction was aborted');
  for (const [error] of results) if (error) throw error;
}
