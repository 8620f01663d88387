import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('Yunxi@2026');
    await expect(verifyPassword('Yunxi@2026', stored)).resolves.toBe(true);
    await expect(verifyPassword('Yunxi@2027', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('stores a salted scrypt hash, never the password itself', async () => {
    const a = await hashPassword('云溪县应急');
    const b = await hashPassword('云溪县应急');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('云溪县应急');
    expect(a).not.toBe(b);
    await expect(verifyPassword('云溪县应急', a)).resolves.toBe(true);
    await expect(verifyPassword('云溪县应急', b)).resolves.toBe(true);
  });

  it('treats a stored value that is not one of its hashes as a mismatch instead of failing', async () => {
    const good = await hashPassword('secret');
    const [, , , , salt, key] = good.split('$');
    const malformed = [
      '',
      'secret',
      'bcrypt$10$abc',
      `scrypt$16384$8$1$${salt}`,
      `scrypt$notanumber$8$1$${salt}$${key}`,
      `scrypt$1073741824$8$1$${salt}$${key}`,
      `scrypt$16384$8$1$${salt}$`,
    ];
    for (const stored of malformed) {
      await expect(verifyPassword('secret', stored), stored).resolves.toBe(false);
    }
  });
});
