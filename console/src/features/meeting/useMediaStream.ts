import { useEffect, useRef } from 'react';

/** Binds a MediaStream to a <video>/<audio> element and plays it; `version` re-binds when tracks change. */
export function useMediaStream<E extends HTMLMediaElement>(stream: MediaStream | undefined, version: string) {
  const ref = useRef<E>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = stream ?? null;
    if (stream) el.play().catch(() => undefined);
  }, [stream, version]);
  return ref;
}
