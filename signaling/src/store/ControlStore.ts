import type { Redis } from 'ioredis';
import { controlStateSchema, type ControlState } from '../protocol/index.ts';
import { parseStored } from './json.ts';
import { keys } from './keys.ts';

/** The chair's control state of each meeting (mute, broadcast, layout, polling…), kept across restarts. */
export class ControlStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(meetingId: string): Promise<ControlState | null> {
    return parseStored(controlStateSchema, await this.#redis.get(keys.meetingControl(meetingId)), 'meeting control state');
  }

  async put(meetingId: string, state: ControlState): Promise<void> {
    await this.#redis.set(keys.meetingControl(meetingId), JSON.stringify(state));
  }
}
