import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/AuditLog.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import type { CreateMeetingBody, Meeting, SessionUser } from '../protocol/index.ts';
import type { MeetingStore } from '../store/MeetingStore.ts';
import type { VenueStore } from '../store/VenueStore.ts';

/** Meeting definitions (who is invited, who chairs) and the rules of who may see and join them. */
export class MeetingService {
  readonly #meetings: MeetingStore;
  readonly #venues: VenueStore;
  readonly #audit: AuditLog;

  constructor(options: { meetings: MeetingStore; venues: VenueStore; audit: AuditLog }) {
    this.#meetings = options.meetings;
    this.#venues = options.venues;
    this.#audit = options.audit;
  }

  async create(user: SessionUser, body: CreateMeetingBody, source: string): Promise<Meeting> {
    if (user.role !== 'admin' && user.role !== 'chair') throw forbidden('only the chair or an admin can create meetings');
    const chairVenueId = body.chairVenueId ?? user.venueId;
    if (!chairVenueId) throw badRequest('name the chair venue of the meeting');
    const known = new Set((await this.#venues.list()).map((v) => v.id));
    const unknown = [chairVenueId, ...body.invitedVenueIds].filter((id) => !known.has(id));
    if (unknown.length > 0) throw badRequest(`unknown venue(s): ${unknown.slice(0, 5).join(', ')}`);
    const now = new Date().toISOString();
    const meeting: Meeting = {
      id: randomUUID(),
      title: body.title,
      chairVenueId,
      invitedVenueIds: [...new Set([chairVenueId, ...body.invitedVenueIds])],
      status: 'open',
      startsAt: body.startsAt ?? now,
      createdBy: user.username,
      createdAt: now,
    };
    await this.#meetings.put(meeting);
    await this.#audit.append({ at: now, actor: user.username, action: 'meeting.create', source, target: `meeting:${meeting.id}`, after: meeting });
    return meeting;
  }

  /** The meetings a user can see: admins and chairs see all, venues see those they are invited to. */
  async listFor(user: SessionUser): Promise<Meeting[]> {
    const all = await this.#meetings.list();
    if (user.role === 'admin' || user.role === 'chair') return all;
    return all.filter((m) => user.venueId !== null && m.invitedVenueIds.includes(user.venueId));
  }

  /** The meeting the user may join as its venue, or a clear refusal. */
  async authorizeJoin(user: SessionUser, meetingId: string): Promise<Meeting> {
    const meeting = await this.#meetings.get(meetingId);
    if (!meeting) throw notFound('no such meeting');
    if (!user.venueId) throw forbidden('this account has no venue and cannot join meetings');
    if (!meeting.invitedVenueIds.includes(user.venueId)) throw forbidden('your venue is not invited to this meeting');
    if (meeting.status === 'ended') throw badRequest('this meeting has ended');
    return meeting;
  }
}
