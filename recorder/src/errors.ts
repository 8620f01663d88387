/**
 * The recorder's errors: a stable `code` and the HTTP status the signalling service should answer
 * with when it maps them (400 bad input, 404 unknown recording, 409 wrong state, 500 cannot record).
 */
export class RecorderError extends Error {
  readonly code: 'bad_request' | 'not_found' | 'conflict' | 'recording_failed';
  readonly status: number;

  constructor(code: RecorderError['code'], message: string) {
    super(message);
    this.name = 'RecorderError';
    this.code = code;
    this.status = { bad_request: 400, not_found: 404, conflict: 409, recording_failed: 500 }[code];
  }
}
