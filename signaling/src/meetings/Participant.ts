import { EnhancedEventEmitter } from '../../../sfu/src/index.ts';
import type { ServerToClientEvents, SessionUser, Venue } from '../protocol/index.ts';

export type Notify = <K extends keyof ServerToClientEvents>(
  event: K,
  ...args: Parameters<ServerToClientEvents[K]>
) => void;

export type ParticipantEvents = {
  /** The participant left (its connection went away or it asked to leave). */
  '@close': [];
};

/**
 * A venue present in a live meeting through one connection. It only knows how to reach its own
 * client (`notify`); the room it is in listens to its `@close`.
 */
export class Participant extends EnhancedEventEmitter<ParticipantEvents> {
  readonly id: string;
  readonly venue: Venue;
  readonly user: SessionUser;
  readonly joinedAt = Date.now();
  /** True once the client has its receiving transport and RTP capabilities in place. */
  mediaReady = false;
  /** The venue muted its own microphone. */
  selfMuted = false;
  /** Its producers by source (camera, microphone). */
  readonly producers = new Map<string, string>();
  /** When the SFU last found this venue the dominant speaker (ms since epoch, 0 never). */
  lastSpokeAt = 0;
  /** When this venue last wanted each producer it consumes (for keeping a few recent ones). */
  readonly lastWanted = new Map<string, number>();
  /** The demand last told to this venue for each of its producers (producer.demand). */
  readonly demandSent = new Map<string, number | null>();
  readonly #notify: Notify;
  #closed = false;

  /** Address the venue connects from (for the audit log). */
  readonly source: string;

  constructor(options: { id: string; venue: Venue; user: SessionUser; source: string; notify: Notify }) {
    super();
    this.id = options.id;
    this.source = options.source;
    this.venue = options.venue;
    this.user = options.user;
    this.#notify = options.notify;
  }

  get closed(): boolean {
    return this.#closed;
  }

  notify: Notify = (event, ...args) => {
    if (!this.#closed) this.#notify(event, ...args);
  };

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.safeEmit('@close');
  }

  info(): { id: string; venueId: string; venueName: string } {
    return { id: this.id, venueId: this.venue.id, venueName: this.venue.name };
  }
}

/** The venue speaking now: the most recent dominant speaker among these participants, if any spoke. */
export function currentSpeaker(participants: Participant[]): Participant | undefined {
  return participants.reduce<Participant | undefined>((best, p) => (p.lastSpokeAt > (best?.lastSpokeAt ?? 0) ? p : best), undefined);
}
