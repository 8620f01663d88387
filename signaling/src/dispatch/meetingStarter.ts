import type { MeetingService } from '../meetings/MeetingService.ts';
import type { SessionUser } from '../protocol/index.ts';

export interface EmergencyMeetingRequest {
  title: string;
  chairVenueId: string;
  invitedVenueIds: string[];
  /** The dispatcher who pressed the button. */
  actor: SessionUser;
  source: string;
}

/** Starts a meeting for the dispatch centre (the server adapts MeetingService to it). */
export interface MeetingStarter {
  start(request: EmergencyMeetingRequest): Promise<{ id: string; invitedVenueIds: string[] }>;
}

/**
 * Adapts MeetingService.create: an emergency meeting is an ad hoc meeting chaired by the dispatch
 * centre, which any account of that venue may start. An admin (no venue) starts it on the
 * centre's behalf; the meeting's audit entry names the account either way.
 */
export function meetingStarterFrom(meetings: Pick<MeetingService, 'create'>): MeetingStarter {
  return {
    async start(request) {
      const identity: SessionUser = { ...request.actor, venueId: request.chairVenueId };
      const meeting = await meetings.create(
        identity,
        { title: request.title, kind: 'adhoc', invitedVenueIds: request.invitedVenueIds, chairVenueId: request.chairVenueId },
        request.source,
      );
      return { id: meeting.id, invitedVenueIds: meeting.invitedVenueIds };
    },
  };
}
