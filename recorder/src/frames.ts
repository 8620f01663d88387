/** Copies a picture, reusing `into` when it has the right size (no garbage per frame). */
export function copyInto(into: Buffer | undefined, frame: Buffer): Buffer {
  const out = into && into.length === frame.length ? into : Buffer.allocUnsafe(frame.length);
  frame.copy(out);
  return out;
}
