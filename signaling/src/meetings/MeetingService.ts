import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/AuditLog.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import type { CreateMeetingBody, Group, GroupBody, Meeting, SessionUser } from '../protocol/index.ts';
import { createMeetingBodySchema } from '../protocol/index.ts';
import type { GroupStore } from '../store/GroupStore.ts';
import type { MeetingStore } from '../store/MeetingStore.ts';
import type { VenueStore } from '../store/VenueStore.ts';

/** Invited venues may join this long before the scheduled start. */
const OPENS_BEFORE_START_MS = 15 * 60_000;

const canManage = (user: SessionUser) => user.role === 'admin' || user.role === 'chair';

/**
 * Meeting definitions (kind, who is invited, who chairs, when), saved venue groups, and the rules
 * of who may see and join meetings.
 */
export class MeetingService {
  readonly #meetings: MeetingStore;
  readonly #venues: VenueStore;
  readonly #groups: GroupStore;
  readonly #audit: AuditLog;

  constructor(options: { meetings: MeetingStore; venues: VenueStore; groups: GroupStore; audit: AuditLog }) {
    this.#meetings = options.meetings;
    this.#venues = options.venues;
    this.#groups = options.groups;
    this.#audit = options.audit;
  }

  /**
   * Full-network and grouped meetings are created by the chair or an admin; any venue operator may
   * start an ad hoc meeting (point-to-point or multipoint) that its own venue chairs.
   */
  async create(user: SessionUser, input: CreateMeetingBody, source: string): Promise<Meeting> {
    const body = createMeetingBodySchema.parse(input);
    if (body.kind !== 'adhoc' && !canManage(user)) throw forbidden('only the chair or an admin can create full-network or grouped meetings');
    if (body.kind === 'adhoc' && !user.venueId) throw forbidden('an ad hoc meeting is started by a venue');
    const chairVenueId = body.kind === 'adhoc' ? user.venueId : (body.chairVenueId ?? user.venueId);
    if (!chairVenueId) throw badRequest('name the chair venue of the meeting');
    const venues = await this.#venues.list();
    const known = new Set(venues.map((v) => v.id));
    let invited = body.invitedVenueIds;
    if (body.kind === 'full') invited = venues.map((v) => v.id);
    if (body.groupId) {
      const group = await this.#groups.get(body.groupId);
      if (!group) throw badRequest('no such group');
      invited = [...invited, ...group.venueIds];
    }
    const unknown = [chairVenueId, ...invited].filter((id) => !known.has(id));
    if (unknown.length > 0) throw badRequest(`unknown venue(s): ${unknown.slice(0, 5).join(', ')}`);
    const invitedVenueIds = [...new Set([chairVenueId, ...invited])];
    if (invitedVenueIds.length < 2) throw badRequest('invite at least one venue besides the chair venue');
    const now = new Date().toISOString();
    const meeting: Meeting = {
      id: randomUUID(),
      title: body.title,
      kind: body.kind,
      muteOnJoin: body.muteOnJoin ?? body.kind === 'full',
      autoRecord: body.autoRecord,
      chairVenueId,
      invitedVenueIds,
      status: body.startsAt && Date.parse(body.startsAt) > Date.now() ? 'scheduled' : 'open',
      startsAt: body.startsAt ?? now,
      createdBy: user.username,
      createdAt: now,
    };
    await this.#meetings.put(meeting);
    await this.#audit.append({ at: now, actor: user.username, action: 'meeting.create', source, target: `meeting:${meeting.id}`, after: meeting });
    return meeting;
  }

  /** The meetings a user can see: admins and chairs see all, venues those they are invited to. */
  async listFor(user: SessionUser): Promise<Meeting[]> {
    const all = (await this.#meetings.list()).map((m) => this.#withStatus(m));
    if (canManage(user)) return all;
    return all.filter((m) => user.venueId !== null && m.invitedVenueIds.includes(user.venueId));
  }

  /** The meeting the user may join as its venue, or a clear refusal. */
  async authorizeJoin(user: SessionUser, meetingId: string): Promise<Meeting> {
    const stored = await this.#meetings.get(meetingId);
    if (!stored) throw notFound('no such meeting');
    const meeting = this.#withStatus(stored);
    if (!user.venueId) throw forbidden('this account has no venue and cannot join meetings');
    if (!meeting.invitedVenueIds.includes(user.venueId)) throw forbidden('your venue is not invited to this meeting');
    if (meeting.status === 'ended') throw badRequest('this meeting has ended');
    if (meeting.status === 'scheduled' && user.venueId !== meeting.chairVenueId) {
      throw badRequest(`this meeting opens at ${meeting.startsAt}`);
    }
    return meeting;
  }

  async markEnded(meeting: Meeting, actor: string): Promise<void> {
    const stored = (await this.#meetings.get(meeting.id)) ?? meeting;
    const ended: Meeting = { ...stored, status: 'ended' };
    await this.#meetings.put(ended);
    await this.#audit.append({ at: new Date().toISOString(), actor, action: 'meeting.end', source: 'server', target: `meeting:${meeting.id}`, before: stored, after: ended });
  }

  async listGroups(): Promise<Group[]> {
    return this.#groups.list();
  }

  async saveGroup(user: SessionUser, body: GroupBody, source: string, id?: string): Promise<Group> {
    if (!canManage(user)) throw forbidden('only the chair or an admin can manage groups');
    const known = new Set((await this.#venues.list()).map((v) => v.id));
    const unknown = body.venueIds.filter((v) => !known.has(v));
    if (unknown.length > 0) throw badRequest(`unknown venue(s): ${unknown.slice(0, 5).join(', ')}`);
    const before = id ? await this.#groups.get(id) : null;
    if (id && !before) throw notFound('no such group');
    const group: Group = { id: id ?? randomUUID(), name: body.name, venueIds: [...new Set(body.venueIds)], createdBy: before?.createdBy ?? user.username };
    await this.#groups.put(group);
    await this.#audit.append({ at: new Date().toISOString(), actor: user.username, action: 'group.save', source, target: `group:${group.id}`, before, after: group });
    return group;
  }

  async deleteGroup(user: SessionUser, id: string, source: string): Promise<void> {
    if (!canManage(user)) throw forbidden('only the chair or an admin can manage groups');
    const before = await this.#groups.get(id);
    if (!before) throw notFound('no such group');
    await this.#groups.delete(id);
    await this.#audit.append({ at: new Date().toISOString(), actor: user.username, action: 'group.delete', source, target: `group:${id}`, before });
  }

  #withStatus(meeting: Meeting): Meeting {
    if (meeting.status === 'scheduled' && Date.parse(meeting.startsAt) - OPENS_BEFORE_START_MS <= Date.now()) {
      return { ...meeting, status: 'open' };
    }
    return meeting;
  }
}
