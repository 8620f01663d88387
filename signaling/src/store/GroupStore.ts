import type { Redis } from 'ioredis';
import { groupSchema, type Group } from '../protocol/index.ts';
import { keys } from './keys.ts';
import { parseStored } from './json.ts';
import { assertExec } from './UserStore.ts';

/** Saved venue groups ("all townships", "emergency departments") for grouped meetings. */
export class GroupStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(id: string): Promise<Group | null> {
    return parseStored(groupSchema, await this.#redis.get(keys.group(id)), 'group');
  }

  async list(): Promise<Group[]> {
    const ids = await this.#redis.smembers(keys.groups);
    if (ids.length === 0) return [];
    const raws = await this.#redis.mget(ids.map((id) => keys.group(id)));
    return raws
      .map((raw) => parseStored(groupSchema, raw, 'group'))
      .filter((g): g is Group => g !== null)
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  async put(group: Group): Promise<void> {
    assertExec(await this.#redis.multi().set(keys.group(group.id), JSON.stringify(groupSchema.parse(group))).sadd(keys.groups, group.id).exec());
  }

  async delete(id: string): Promise<void> {
    assertExec(await this.#redis.multi().del(keys.group(id)).srem(keys.groups, id).exec());
  }
}
