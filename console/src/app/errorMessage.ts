import { errorBodySchema } from '../../../signaling/src/protocol/index.ts';

/** The server's plain error message from an RTK Query error, or a generic description. */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'data' in error) {
    const body = errorBodySchema.safeParse(error.data);
    if (body.success) return body.data.message;
  }
  if (typeof error === 'object' && error !== null && 'status' in error) return String(error.status);
  return error instanceof Error ? error.message : String(error);
}
