import { z } from 'zod';
import type { types } from 'mediasoup';
import {
  dtlsParametersSchema,
  mediaKindSchema,
  mediaSourceSchema,
  rtpCapabilitiesSchema,
  rtpParametersSchema,
  type MediaSource,
} from './media.ts';
import type { Ack } from './errors.ts';
import { chairCommandSchema, type ControlState } from './control.ts';
import type { MeetingKind } from './model.ts';

const id = z.string().min(1).max(64);

/** Largest request a venue may send (JSON text); larger ones get a payload_too_large ack. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Client → server requests, each answered by an ack. The schema of each is enforced on the server. */
export const requestSchemas = {
  'meeting.join': z.object({ meetingId: id }),
  'meeting.leave': z.object({}),
  'transport.create': z.object({ direction: z.enum(['send', 'recv']) }),
  'transport.connect': z.object({ transportId: id, dtlsParameters: dtlsParametersSchema }),
  'media.ready': z.object({ rtpCapabilities: rtpCapabilitiesSchema }),
  'producer.create': z.object({
    transportId: id,
    kind: mediaKindSchema,
    rtpParameters: rtpParametersSchema,
    source: mediaSourceSchema,
  }),
  'producer.pause': z.object({ producerId: id }),
  'producer.resume': z.object({ producerId: id }),
  'producer.close': z.object({ producerId: id }),
  'consumer.resume': z.object({ consumerId: id }),
  /** The venue mutes or unmutes its own microphone (refused while the chair has muted it). */
  'venue.mute': z.object({ muted: z.boolean() }),
  'venue.hand': z.object({ raised: z.boolean() }),
  /** Chair control; only the meeting's chair may send it. */
  'chair.command': z.object({ command: chairCommandSchema }),
} as const;

export type RequestMethod = keyof typeof requestSchemas;
export type RequestData<M extends RequestMethod> = z.infer<(typeof requestSchemas)[M]>;

export interface ParticipantInfo {
  id: string;
  venueId: string;
  venueName: string;
}

export interface TransportInfo {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  producerPaused: boolean;
  /** The venue whose media this is; for the programme, PROGRAMME_ID (its venue changes as it switches). */
  participantId: string;
  venueId: string;
  source: MediaSource | 'programme';
}

/** participantId and venueId of the meeting's programme consumer (see Screen.programme). */
export const PROGRAMME_ID = 'programme';

/** What each request answers with. */
export interface ResponseData {
  'meeting.join': {
    participantId: string;
    meetingId: string;
    title: string;
    routerRtpCapabilities: types.RtpCapabilities;
    participants: ParticipantInfo[];
    kind: MeetingKind;
    chairVenueId: string;
    /** Whether this connection may send chair commands. */
    isChair: boolean;
    invited: { venueId: string; venueName: string }[];
    control: ControlState;
    /** The meeting is being recorded (every venue shows it). */
    recording: boolean;
  };
  'meeting.leave': Record<string, never>;
  'transport.create': TransportInfo;
  'transport.connect': Record<string, never>;
  'media.ready': Record<string, never>;
  'producer.create': { producerId: string };
  'producer.pause': Record<string, never>;
  'producer.resume': Record<string, never>;
  'producer.close': Record<string, never>;
  'consumer.resume': Record<string, never>;
  'venue.mute': Record<string, never>;
  'venue.hand': Record<string, never>;
  'chair.command': { version: number };
}

/** One venue's line on the chair's status board (from the SFU's own statistics). */
export interface VenueStatus {
  venueId: string;
  camera: boolean;
  microphone: boolean;
  uplinkLoss: number;
  downlinkLoss: number;
  rttMs: number | null;
  uplinkBitrate: number;
}

/** Server → client notifications. */
export interface ServerToClientEvents {
  'participant.joined': (data: { participant: ParticipantInfo }) => void;
  'participant.left': (data: { participantId: string; venueId: string }) => void;
  'consumer.new': (data: { consumer: ConsumerInfo }) => void;
  'consumer.closed': (data: { consumerId: string }) => void;
  /**
   * How much of one of this venue's producers anybody receives (dynacast): send simulcast layers
   * up to spatialLayer, or nothing at all when null (a microphone muted or not audible).
   */
  'producer.demand': (data: { producerId: string; spatialLayer: number | null }) => void;
  /** The meeting's media restarted (a worker died): recreate transports and producers. */
  'media.reset': (data: { reason: string; routerRtpCapabilities: types.RtpCapabilities }) => void;
  'meeting.ended': (data: { meetingId: string }) => void;
  /** The chair changed something (every venue applies it: screens, audio). */
  'meeting.state': (data: { control: ControlState }) => void;
  /** Status board, to the chair every few seconds. */
  'meeting.stats': (data: { venues: VenueStatus[] }) => void;
  /** Recording started or stopped. */
  'meeting.recording': (data: { recording: boolean }) => void;
  /** The chair removed this venue from the meeting. */
  'meeting.removed': (data: { meetingId: string }) => void;
  /** The same venue joined from somewhere else; this connection left the meeting. */
  'session.replaced': (data: { meetingId: string }) => void;
}

export type ClientToServerEvents = {
  [M in RequestMethod]: (data: unknown, ack: (response: Ack<ResponseData[M]>) => void) => void;
};
