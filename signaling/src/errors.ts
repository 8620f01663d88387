import type { ErrorBody, ErrorCode } from './protocol/index.ts';
import { SfuError } from '../../sfu/src/index.ts';
import { ZodError, z } from 'zod';

/** Base of the signalling service's errors: an HTTP status and a stable code operators can read. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;

  constructor(status: number, code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (message: string) => new AppError(400, 'bad_request', message);
export const unauthorized = (message = 'please log in') => new AppError(401, 'unauthorized', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (message: string) => new AppError(404, 'not_found', message);
export const conflict = (message: string) => new AppError(409, 'conflict', message);
export const venueBusy = (message: string) => new AppError(409, 'venue_busy', message);
export const mutedByChair = () => new AppError(403, 'muted_by_chair', 'the chair has muted this venue; raise your hand to ask to speak');
export const meetingLocked = (message: string) => new AppError(403, 'meeting_locked', message);
export const payloadTooLarge = (message: string) => new AppError(413, 'payload_too_large', message);

const SFU_CODES: Record<string, [number, ErrorCode]> = {
  not_found: [404, 'not_found'],
  not_joined: [409, 'conflict'],
  not_ready: [409, 'not_ready'],
  media_closed: [503, 'media_closed'],
  peer_gone: [409, 'conflict'],
  bad_transport: [400, 'bad_request'],
  bad_parameters: [400, 'bad_request'],
};

/** Maps any thrown value to a status and an error body; unknown errors become `internal`. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody; expected: boolean } {
  if (error instanceof AppError) {
    return { status: error.status, body: { code: error.code, message: error.message }, expected: true };
  }
  if (error instanceof ZodError) {
    return { status: 400, body: { code: 'bad_request', message: z.prettifyError(error) }, expected: true };
  }
  if (error instanceof SfuError) {
    const [status, code] = SFU_CODES[error.code] ?? [500, 'internal'];
    return { status, body: { code, message: error.message }, expected: true };
  }
  return { status: 500, body: { code: 'internal', message: 'internal error, see the server log' }, expected: false };
}
