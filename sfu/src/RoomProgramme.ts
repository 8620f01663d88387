import type { types } from 'mediasoup';
import { ProgrammeRelay } from './ProgrammeRelay.ts';

/**
 * A room's programme: its ProgrammeRelay, made on first use on the room's primary router and kept
 * for the room's life (a meeting that never shows a programme makes none), and which camera it
 * relays.
 */
export class RoomProgramme {
  readonly #roomId: string;
  readonly #router: types.Router;
  /** Called once the relay is made (the room registers its producer for piping). */
  readonly #onCreated: (relay: ProgrammeRelay) => void;
  /** The relay being made, and the relay once made. */
  #making: Promise<ProgrammeRelay> | undefined;
  #relay: ProgrammeRelay | undefined;
  #closed = false;

  constructor(options: { roomId: string; router: types.Router; onCreated: (relay: ProgrammeRelay) => void }) {
    this.#roomId = options.roomId;
    this.#router = options.router;
    this.#onCreated = options.onCreated;
  }

  /** The relay if it was made. */
  get relay(): ProgrammeRelay | undefined {
    return this.#relay;
  }

  /** The relay, made now if it was not yet. */
  made(): Promise<ProgrammeRelay> {
    if (this.#closed) return Promise.reject(new Error('the room programme is closed'));
    this.#making ??= ProgrammeRelay.create({ router: this.#router, roomId: this.#roomId }).then((relay) => {
      if (this.#closed) {
        relay.close();
        throw new Error('the room programme is closed');
      }
      this.#relay = relay;
      this.#onCreated(relay);
      return relay;
    });
    // A failed creation is reported to its caller; the next call tries again.
    this.#making.catch(() => (this.#making = undefined));
    return this.#making;
  }

  /**
   * Relays `camera`, or nothing. `pipe` brings the camera to the relay's router (the room pipes it
   * from another worker). Its own SSRCs (from mediasoup's stats) become the programme's
   * contributing sources.
   */
  async setSource(camera: types.Producer | null, pipe: () => Promise<unknown> = async () => undefined): Promise<void> {
    // Nothing to stop in a programme never made, or closed.
    if (!camera && (!this.#making || this.#closed)) return;
    const relay = await this.made();
    if (!camera) return relay.setSource(null);
    if (relay.source === camera.id) return;
    const [ssrcs] = await Promise.all([sourceSsrcs(camera), pipe()]);
    await relay.setSource(camera.id, ssrcs);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#relay?.close();
  }
}

/** A camera's own SSRCs by simulcast layer, as its RTP arrives (layers not yet seen are left out). */
async function sourceSsrcs(producer: types.Producer): Promise<number[]> {
  const stats = await producer.getStats().catch(() => []);
  const ssrcs: number[] = [];
  for (const encoding of producer.rtpParameters.encodings ?? []) {
    const seen = stats.find((s) => (encoding.rid ? s.rid === encoding.rid : s.ssrc === encoding.ssrc));
    const ssrc = seen?.ssrc ?? encoding.ssrc;
    if (ssrc) ssrcs.push(ssrc);
  }
  return ssrcs;
}
