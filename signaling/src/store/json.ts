import type { z } from 'zod';

/** Parses a JSON value read from Redis with its schema; corrupt data is an error, never a cast. */
export function parseStored<S extends z.ZodType>(schema: S, raw: string | null, what: string): z.infer<S> | null {
  if (raw === null) return null;
  const result = schema.safeParse(JSON.parse(raw));
  if (!result.success) throw new Error(`stored ${what} is corrupt: ${result.error.message}`);
  return result.data;
}
