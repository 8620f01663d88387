import type { RecordingSource } from '../../../recorder/src/index.ts';
import { isAudible, screenFor } from '../protocol/index.ts';
import type { MeetingRoom } from './MeetingRoom.ts';

/** Not a venue: the recording sees the programme as a venue watching the meeting would. */
const RECORDING_VIEWER = '\u0000recording';

/**
 * The meeting as the recorder sees it: the programme picture (roll call, multi-picture, broadcast,
 * or the default gallery/chair picture) as camera producers per pane, and every microphone with
 * whether it is audible (chair mute, roll call, the venue's own mute).
 */
export function recordingSourceOf(room: MeetingRoom): RecordingSource {
  const chairVenueId = room.meeting.chairVenueId;
  return {
    layout() {
      const present = new Set(room.participants.map((p) => p.venue.id));
      const screen = screenFor(room.control.state, RECORDING_VIEWER, {
        chairVenueId,
        present: room.meeting.invitedVenueIds.filter((v) => present.has(v)),
      });
      return {
        kind: screen.kind,
        panes: screen.panes.map((venueId) => (venueId ? (room.participantByVenue(venueId)?.producers.get('camera') ?? null) : null)),
      };
    },
    audio() {
      const state = room.control.state;
      return room.participants.flatMap((p) => {
        const mic = p.producers.get('microphone');
        return mic ? [{ producerId: mic, audible: !p.selfMuted && isAudible(state, p.venue.id, chairVenueId) }] : [];
      });
    },
    onChange(listener) {
      room.on('programmeChanged', listener);
      return () => room.off('programmeChanged', listener);
    },
  };
}
