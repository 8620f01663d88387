import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

const SECRET_KEY = 'yl:secret:media-url';

/**
 * Expiring signed paths for recordings: `/media/recordings/<id>/<expires>/<signature>/<file>`.
 * The token sits in the path, so the segments a playlist names relatively carry it too.
 * The secret is made once and kept in Redis, so links stay valid across restarts.
 */
export class MediaSigner {
  readonly #secret: Buffer;

  static async create(redis: Redis): Promise<MediaSigner> {
    await redis.set(SECRET_KEY, randomBytes(32).toString('base64'), 'NX');
    const secret = await redis.get(SECRET_KEY);
    if (!secret) throw new Error('could not read the media URL secret');
    return new MediaSigner(Buffer.from(secret, 'base64'));
  }

  private constructor(secret: Buffer) {
    this.#secret = secret;
  }

  /** The signed base path (append a file name) valid for ttlSeconds. */
  basePath(recordingId: string, ttlSeconds: number): string {
    const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
    return `/media/recordings/${recordingId}/${expires}/${this.#sign(recordingId, expires)}/`;
  }

  /** True when the signature is ours and has not expired. */
  verify(recordingId: string, expires: string, signature: string): boolean {
    if (!/^\d{1,12}$/.test(expires) || Number(expires) < Date.now() / 1000) return false;
    const expected = Buffer.from(this.#sign(recordingId, Number(expires)));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #sign(recordingId: string, expires: number): string {
    return createHmac('sha256', this.#secret).update(`${recordingId}.${expires}`).digest('base64url');
  }
}
