/** An error from the SFU with a stable code that signalling maps to its own error taxonomy. */
export class SfuError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'SfuError';
    this.code = code;
  }
}
