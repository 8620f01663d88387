import type { RecordingAudio, RecordingLayout, RecordingSource } from '../types.ts';

/** A RecordingSource a test drives by hand, as a meeting's chair would. */
export class TestSource implements RecordingSource {
  #layout: RecordingLayout;
  #audio: RecordingAudio[];
  readonly #listeners = new Set<() => void>();

  constructor(layout: RecordingLayout, audio: RecordingAudio[] = []) {
    this.#layout = layout;
    this.#audio = audio;
  }

  layout(): RecordingLayout {
    return this.#layout;
  }

  audio(): RecordingAudio[] {
    return this.#audio;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  set(change: { layout?: RecordingLayout; audio?: RecordingAudio[] }): void {
    if (change.layout) this.#layout = change.layout;
    if (change.audio) this.#audio = change.audio;
    for (const listener of this.#listeners) listener();
  }
}
