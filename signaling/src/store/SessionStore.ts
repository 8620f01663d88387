import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sessionUserSchema, type SessionUser } from '../protocol/index.ts';
import { keys } from './keys.ts';
import { parseStored } from './json.ts';

/** Login sessions: an unguessable bearer token → the user, expiring after a TTL. */
export class SessionStore {
  readonly #redis: Redis;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, ttlSeconds: number) {
    this.#redis = redis;
    this.#ttlSeconds = ttlSeconds;
  }

  async create(user: SessionUser): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.#redis.set(keys.session(token), JSON.stringify(user), 'EX', this.#ttlSeconds);
    return token;
  }

  async get(token: string): Promise<SessionUser | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    return parseStored(sessionUserSchema, await this.#redis.get(keys.session(token)), 'session');
  }

  async delete(token: string): Promise<void> {
    await this.#redis.del(keys.session(token));
  }
}
