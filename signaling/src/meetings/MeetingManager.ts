import { randomUUID } from 'node:crypto';
import { EnhancedEventEmitter, getLogger, KeyedQueue, type Logger, type Sfu } from '../../../sfu/src/index.ts';
import { notFound, venueBusy } from '../errors.ts';
import type { Meeting, ResponseData, SessionUser } from '../protocol/index.ts';
import type { ControlStore } from '../store/ControlStore.ts';
import type { VenueStore } from '../store/VenueStore.ts';
import type { AuditEntry } from '../audit/AuditLog.ts';
import { MeetingRoom } from './MeetingRoom.ts';
import { Participant, type Notify } from './Participant.ts';

export type MeetingManagerEvents = {
  roomOpened: [room: MeetingRoom];
  roomClosed: [room: MeetingRoom];
};

/** The running meetings of this server. Joins are serialised per meeting. */
export class MeetingManager extends EnhancedEventEmitter<MeetingManagerEvents> {
  readonly #sfu: Sfu;
  readonly #venues: VenueStore;
  readonly #controlStore: ControlStore;
  readonly #onEnded: (meeting: Meeting) => Promise<void>;
  readonly #audit: (entry: AuditEntry) => Promise<void>;
  readonly #rooms = new Map<string, MeetingRoom>();
  readonly #queue = new KeyedQueue();
  readonly #logger: Logger;
  /** Server-side media recovery times after worker deaths (ms), newest last. */
  readonly recoveries: number[] = [];
  #closed = false;

  constructor(options: {
    sfu: Sfu;
    venues: VenueStore;
    controlStore: ControlStore;
    onEnded: (meeting: Meeting) => Promise<void>;
    audit: (entry: AuditEntry) => Promise<void>;
  }) {
    super();
    this.#audit = options.audit;
    this.#sfu = options.sfu;
    this.#venues = options.venues;
    this.#controlStore = options.controlStore;
    this.#onEnded = options.onEnded;
    this.#logger = getLogger('MeetingManager');
  }

  get rooms(): MeetingRoom[] {
    return [...this.#rooms.values()];
  }

  getRoom(meetingId: string): MeetingRoom | undefined {
    return this.#rooms.get(meetingId);
  }

  /** The running meeting a venue is in, if any. */
  roomOfVenue(venueId: string): MeetingRoom | undefined {
    return this.rooms.find((r) => r.participantByVenue(venueId));
  }

  /**
   * Puts the user's venue into the meeting. A venue is in one meeting at a time: joining while
   * present in another is refused. If the venue is already present in this meeting from another
   * connection, that one is told `session.replaced` and leaves first.
   */
  async join(
    user: SessionUser,
    meeting: Meeting,
    source: string,
    notify: Notify,
  ): Promise<{ participant: Participant; room: MeetingRoom; response: ResponseData['meeting.join'] }> {
    const venueId = user.venueId;
    if (!venueId) throw notFound('this account has no venue');
    const venue = await this.#venues.get(venueId);
    if (!venue) throw notFound('your venue no longer exists');
    const busy = this.roomOfVenue(venueId);
    if (busy && busy.meeting.id !== meeting.id) {
      throw venueBusy(`this venue is already in the meeting "${busy.meeting.title}"; leave it first`);
    }
    return this.#queue.push(meeting.id, async () => {
      if (this.#closed) throw notFound('the server is shutting down');
      let room = await this.#getOrCreateRoom(meeting);
      room.admits(venueId);
      const previous = room.participantByVenue(venueId);
      if (previous) {
        previous.notify('session.replaced', { meetingId: meeting.id });
        previous.close();
      }
      // The previous one leaving may have emptied and closed the room.
      if (room.closed) room = await this.#getOrCreateRoom(meeting);
      const participant = new Participant({ id: randomUUID(), venue, user, source, notify });
      const names = new Map((await this.#venues.list()).map((v) => [v.id, v.name]));
      const invited = meeting.invitedVenueIds.map((id) => ({ venueId: id, venueName: names.get(id) ?? id }));
      const response = await room.join(participant, invited);
      return { participant, room, response };
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of this.#rooms.values()) room.close();
    this.#rooms.clear();
  }

  async #getOrCreateRoom(meeting: Meeting): Promise<MeetingRoom> {
    const existing = this.#rooms.get(meeting.id);
    if (existing && !existing.closed) return existing;
    const room = await MeetingRoom.create({ meeting, sfu: this.#sfu, controlStore: this.#controlStore, audit: this.#audit });
    this.#rooms.set(meeting.id, room);
    room.once('@close', () => {
      if (this.#rooms.get(meeting.id) === room) this.#rooms.delete(meeting.id);
      this.safeEmit('roomClosed', room);
    });
    room.once('ended', () => {
      this.#onEnded(meeting).catch((err: unknown) => this.#logger.error({ err, meetingId: meeting.id }, 'could not mark the meeting ended'));
    });
    room.on('mediaRecovered', (ms) => {
      this.recoveries.push(ms);
      if (this.recoveries.length > 100) this.recoveries.shift();
    });
    this.#logger.debug({ meetingId: meeting.id }, 'room created');
    this.safeEmit('roomOpened', room);
    return room;
  }
}
