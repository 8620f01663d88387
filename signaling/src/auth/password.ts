import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const r = 8;
const p = 1;
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, rr, pp, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64');
  // A stored value with impossible parameters is not one of our hashes: a mismatch, not a crash.
  if (![n, rr, pp].every((v) => /^[1-9][0-9]{0,9}$/.test(v)) || expected.length === 0) return false;
  let key: Buffer;
  try {
    key = await scrypt(password, Buffer.from(saltB64, 'base64'), { N: Number(n), r: Number(rr), p: Number(pp) });
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
  return key.length === expected.length && timingSafeEqual(key, expected);
}
