import type { Redis } from 'ioredis';
import { meetingSchema, type Meeting } from '../protocol/index.ts';
import { keys } from './keys.ts';
import { parseStored } from './json.ts';
import { assertExec } from './UserStore.ts';

export class MeetingStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(id: string): Promise<Meeting | null> {
    return parseStored(meetingSchema, await this.#redis.get(keys.meeting(id)), 'meeting');
  }

  async put(meeting: Meeting): Promise<void> {
    const results = await this.#redis
      .multi()
      .set(keys.meeting(meeting.id), JSON.stringify(meetingSchema.parse(meeting)))
      .zadd(keys.meetings, Date.parse(meeting.createdAt), meeting.id)
      .exec();
    assertExec(results);
  }

  /** Newest first. */
  async list(limit = 200): Promise<Meeting[]> {
    const ids = await this.#redis.zrevrange(keys.meetings, 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.#redis.mget(ids.map((id) => keys.meeting(id)));
    return raws.map((raw) => parseStored(meetingSchema, raw, 'meeting')).filter((m): m is Meeting => m !== null);
  }
}
