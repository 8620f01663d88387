import type { Redis } from 'ioredis';
import { z } from 'zod';
import { roleSchema, type SessionUser } from '../protocol/index.ts';
import { keys } from './keys.ts';
import { parseStored } from './json.ts';

const storedUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  venueId: z.string().nullable(),
  passwordHash: z.string(),
});
export type StoredUser = z.infer<typeof storedUserSchema>;

export class UserStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(username: string): Promise<StoredUser | null> {
    return parseStored(storedUserSchema, await this.#redis.get(keys.user(username)), 'user');
  }

  async put(user: StoredUser): Promise<void> {
    const results = await this.#redis
      .multi()
      .set(keys.user(user.username), JSON.stringify(storedUserSchema.parse(user)))
      .sadd(keys.users, user.username)
      .exec();
    assertExec(results);
  }

  async count(): Promise<number> {
    return this.#redis.scard(keys.users);
  }
}

export function toSessionUser(user: StoredUser): SessionUser {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, venueId: user.venueId };
}

/** ioredis resolves a MULTI/pipeline with per-command errors instead of rejecting: check each. */
export function assertExec(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('redis transaction was aborted');
  for (const [err] of results) if (err) throw err;
}
