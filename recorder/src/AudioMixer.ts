/** Samples buffered before a source is mixed (jitter margin), and the most it may hold. */
const PRIME_SAMPLES = 48 * 60;
const MAX_SAMPLES = 48 * 300;
const TARGET_SAMPLES = 48 * 100;

class SampleFifo {
  readonly #chunks: Int16Array[] = [];
  #head = 0;
  length = 0;
  primed = false;

  push(samples: Int16Array): void {
    this.#chunks.push(samples);
    this.length += samples.length;
    if (this.length >= PRIME_SAMPLES) this.primed = true;
    if (this.length > MAX_SAMPLES) this.drop(this.length - TARGET_SAMPLES);
  }

  /** Adds up to `into.length` samples into `into` (or just drops them when into is null). */
  take(count: number, into: Int32Array | null): void {
    let written = 0;
    while (written < count && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!;
      const n = Math.min(count - written, chunk.length - this.#head);
      if (into) for (let i = 0; i < n; i++) into[written + i]! += chunk[this.#head + i]!;
      written += n;
      this.#head += n;
      this.length -= n;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    // Ran dry: wait for a jitter margin again before mixing this source.
    if (written < count) this.primed = false;
  }

  drop(count: number): void {
    this.take(count, null);
  }
}

/**
 * Mixes the audible sources' 48 kHz mono PCM into the programme's sound, one tick at a time.
 * Each source has its own queue: it joins the mix once 60 ms are buffered, a source that runs dry
 * contributes silence (so the timeline never waits), and one that runs ahead is trimmed to 100 ms
 * so that sound keeps up with pictures. Sources that are not audible are drained, not mixed.
 */
export class AudioMixer {
  readonly #fifos = new Map<string, SampleFifo>();
  #audible = new Set<string>();

  setAudible(producerIds: Iterable<string>): void {
    this.#audible = new Set(producerIds);
  }

  push(producerId: string, pcm: Buffer): void {
    let fifo = this.#fifos.get(producerId);
    if (!fifo) {
      fifo = new SampleFifo();
      this.#fifos.set(producerId, fifo);
    }
    // Copy: the decoder's buffer may be a view on a chunk that is reused.
    const samples = new Int16Array(pcm.length / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2);
    fifo.push(samples);
  }

  /** Forgets sources (they left, or their decoder was replaced). */
  remove(producerIds: Iterable<string>): void {
    for (const id of producerIds) this.#fifos.delete(id);
  }

  get sources(): string[] {
    return [...this.#fifos.keys()];
  }

  /** The next `count` samples of the mix as s16le. */
  mix(count: number): Buffer {
    const sum = new Int32Array(count);
    for (const [id, fifo] of this.#fifos) {
      if (!fifo.primed) continue;
      fifo.take(count, this.#audible.has(id) ? sum : null);
    }
    const out = Buffer.allocUnsafe(count * 2);
    for (let i = 0; i < count; i++) out.writeInt16LE(Math.max(-32768, Math.min(32767, sum[i]!)), i * 2);
    return out;
  }
}
