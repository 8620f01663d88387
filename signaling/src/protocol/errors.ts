import { z } from 'zod';

/** Stable error codes shared by HTTP responses and socket acks. */
export const errorCodeSchema = z.enum([
  'bad_request',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'not_ready',
  'media_closed',
  /** The venue is already in another meeting. */
  'venue_busy',
  /** The chair muted this venue; it may raise its hand. */
  'muted_by_chair',
  /** The chair locked the meeting (or removed this venue from it). */
  'meeting_locked',
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorBodySchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
