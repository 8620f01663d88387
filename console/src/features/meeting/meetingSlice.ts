import { createEntityAdapter, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import {
  PROGRAMME_ID,
  type ControlState,
  type MeetingKind,
  type ParticipantInfo,
  type ResponseData,
  type VenueStatus,
} from '../../../../signaling/src/protocol/index.ts';
import type { SessionStatus } from '../../services/MediaSession.ts';

export interface RemoteVenue extends ParticipantInfo {
  audio: boolean;
  video: boolean;
}

export type MeetingNotice =
  | { key: 'meeting.replaced' | 'meeting.ended' | 'meeting.removed' | 'meeting.mutedByChair' }
  | { key: 'meeting.error' | 'meeting.cameraFailed'; message: string; code?: string };

const participantsAdapter = createEntityAdapter<RemoteVenue>({
  sortComparer: (a, b) => a.venueId.localeCompare(b.venueId),
});

export interface MeetingState {
  status: SessionStatus;
  meetingId: string | null;
  title: string;
  selfId: string | null;
  kind: MeetingKind;
  chairVenueId: string | null;
  isChair: boolean;
  invited: { venueId: string; venueName: string }[];
  control: ControlState | null;
  recording: boolean;
  /** The chair's status board, by venue id. */
  stats: Record<string, VenueStatus>;
  local: { audio: boolean; video: boolean; micMuted: boolean; cameraOff: boolean; handRaised: boolean };
  participants: ReturnType<typeof participantsAdapter.getInitialState>;
  /** The server's programme stream (the broadcast picture, switched server-side) has video. */
  programmeVideo: boolean;
  notice: MeetingNotice | null;
}

const initialState: MeetingState = {
  status: 'idle',
  meetingId: null,
  title: '',
  selfId: null,
  kind: 'group',
  chairVenueId: null,
  isChair: false,
  invited: [],
  control: null,
  recording: false,
  stats: {},
  local: { audio: false, video: false, micMuted: false, cameraOff: false, handRaised: false },
  participants: participantsAdapter.getInitialState(),
  programmeVideo: false,
  notice: null,
};

export const meetingSlice = createSlice({
  name: 'meeting',
  initialState,
  reducers: {
    meetingJoinRequested(state, action: PayloadAction<{ meetingId: string }>) {
      state.meetingId = action.payload.meetingId;
      state.status = 'joining';
      state.notice = null;
    },
    sessionStatusChanged(state, action: PayloadAction<SessionStatus>) {
      state.status = action.payload;
    },
    meetingJoined(state, action: PayloadAction<Omit<ResponseData['meeting.join'], 'routerRtpCapabilities'>>) {
      const p = action.payload;
      state.meetingId = p.meetingId;
      state.title = p.title;
      state.selfId = p.participantId;
      state.kind = p.kind;
      state.chairVenueId = p.chairVenueId;
      state.isChair = p.isChair;
      state.invited = p.invited;
      state.control = p.control;
      state.recording = p.recording;
      participantsAdapter.setAll(
        state.participants,
        action.payload.participants.map((p) => ({ ...p, audio: false, video: false })),
      );
    },
    participantJoined(state, action: PayloadAction<ParticipantInfo>) {
      // The same venue rejoining replaces its earlier entry.
      const stale = Object.values(state.participants.entities).filter((p) => p.venueId === action.payload.venueId);
      participantsAdapter.removeMany(state.participants, stale.map((p) => p.id));
      participantsAdapter.addOne(state.participants, { ...action.payload, audio: false, video: false });
    },
    participantLeft(state, action: PayloadAction<string>) {
      participantsAdapter.removeOne(state.participants, action.payload);
    },
    participantTracksChanged(state, action: PayloadAction<{ participantId: string; audio: boolean; video: boolean }>) {
      const { participantId, audio, video } = action.payload;
      if (participantId === PROGRAMME_ID) state.programmeVideo = video;
      else participantsAdapter.updateOne(state.participants, { id: participantId, changes: { audio, video } });
    },
    localMediaChanged(state, action: PayloadAction<{ audio: boolean; video: boolean }>) {
      state.local = { ...state.local, ...action.payload };
    },
    localControlsChanged(state, action: PayloadAction<Partial<{ micMuted: boolean; cameraOff: boolean; handRaised: boolean }>>) {
      state.local = { ...state.local, ...action.payload };
    },
    controlStateReceived(state, action: PayloadAction<ControlState>) {
      if (!state.control || action.payload.version >= state.control.version) state.control = action.payload;
    },
    recordingChanged(state, action: PayloadAction<boolean>) {
      state.recording = action.payload;
    },
    venueStatsReceived(state, action: PayloadAction<VenueStatus[]>) {
      state.stats = Object.fromEntries(action.payload.map((v) => [v.venueId, v]));
    },
    meetingLeft(state, action: PayloadAction<{ notice: MeetingNotice | null }>) {
      // A refusal reported just before leaving stays visible.
      return { ...initialState, local: state.local, notice: action.payload.notice ?? state.notice };
    },
    meetingErrored(state, action: PayloadAction<MeetingNotice>) {
      state.notice = action.payload;
    },
    noticeDismissed(state) {
      state.notice = null;
    },
  },
  selectors: {
    selectMeeting: (state) => state,
  },
});

export const {
  meetingJoinRequested,
  sessionStatusChanged,
  meetingJoined,
  participantJoined,
  participantLeft,
  participantTracksChanged,
  localMediaChanged,
  localControlsChanged,
  controlStateReceived,
  venueStatsReceived,
  recordingChanged,
  meetingLeft,
  meetingErrored,
  noticeDismissed,
} = meetingSlice.actions;
export const { selectMeeting } = meetingSlice.selectors;
export const { selectAll: selectRemoteVenues } = participantsAdapter.getSelectors(
  (state: { meeting: MeetingState }) => state.meeting.participants,
);
