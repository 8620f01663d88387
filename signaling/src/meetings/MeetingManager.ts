import { randomUUID } from 'node:crypto';
import { getLogger, KeyedQueue, type Logger, type Sfu } from '../../../sfu/src/index.ts';
import { notFound } from '../errors.ts';
import type { Meeting, ResponseData, SessionUser } from '../protocol/index.ts';
import type { VenueStore } from '../store/VenueStore.ts';
import { MeetingRoom } from './MeetingRoom.ts';
import { Participant, type Notify } from './Participant.ts';

/** The running meetings of this server. Joins are serialised per meeting. */
export class MeetingManager {
  readonly #sfu: Sfu;
  readonly #venues: VenueStore;
  readonly #rooms = new Map<string, MeetingRoom>();
  readonly #queue = new KeyedQueue();
  readonly #logger: Logger;
  /** Server-side media recovery times after worker deaths (ms), newest last. */
  readonly recoveries: number[] = [];
  #closed = false;

  constructor(options: { sfu: Sfu; venues: VenueStore }) {
    this.#sfu = options.sfu;
    this.#venues = options.venues;
    this.#logger = getLogger('MeetingManager');
  }

  get rooms(): MeetingRoom[] {
    return [...this.#rooms.values()];
  }

  getRoom(meetingId: string): MeetingRoom | undefined {
    return this.#rooms.get(meetingId);
  }

  /**
   * Puts the user's venue into the meeting. If the venue is already present from another
   * connection, that one is told `session.replaced` and leaves first.
   */
  async join(
    user: SessionUser,
    meeting: Meeting,
    notify: Notify,
  ): Promise<{ participant: Participant; room: MeetingRoom; response: ResponseData['meeting.join'] }> {
    const venueId = user.venueId;
    if (!venueId) throw notFound('this account has no venue');
    const venue = await this.#venues.get(venueId);
    if (!venue) throw notFound('your venue no longer exists');
    return this.#queue.push(meeting.id, async () => {
      if (this.#closed) throw notFound('the server is shutting down');
      const room = await this.#getOrCreateRoom(meeting);
      const previous = room.participantByVenue(venueId);
      if (previous) {
        previous.notify('session.replaced', { meetingId: meeting.id });
        previous.close();
      }
      const participant = new Participant({ id: randomUUID(), venue, user, notify });
      // The previous one leaving may have emptied and closed the room.
      const live = room.closed ? await this.#getOrCreateRoom(meeting) : room;
      const response = await live.join(participant);
      return { participant, room: live, response };
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
    const room = await MeetingRoom.create({ meeting, sfu: this.#sfu });
    this.#rooms.set(meeting.id, room);
    room.once('@close', () => {
      if (this.#rooms.get(meeting.id) === room) this.#rooms.delete(meeting.id);
    });
    room.on('mediaRecovered', (ms) => {
      this.recoveries.push(ms);
      if (this.recoveries.length > 100) this.recoveries.shift();
    });
    this.#logger.debug({ meetingId: meeting.id }, 'room created');
    return room;
  }
}
