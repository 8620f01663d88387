import type { types } from 'mediasoup';
import { z } from 'zod';

export const LAYOUT_KINDS = ['1', '1+5', '2x2', '3x3', '4x4'] as const;

/**
 * What the programme shows: a layout kind and, pane by pane, the video producer it shows
 * (null: an empty pane). Pane order: left to right, top to bottom; in '1+5' the large pane first.
 */
export const recordingLayoutSchema = z.object({
  kind: z.enum(LAYOUT_KINDS),
  panes: z.array(z.string().min(1).nullable()),
});
export type RecordingLayout = z.infer<typeof recordingLayoutSchema>;
export type LayoutKind = RecordingLayout['kind'];

/** One audio producer of the meeting; audible ones are mixed into the programme. */
export const recordingAudioSchema = z.object({ producerId: z.string().min(1), audible: z.boolean() });
export type RecordingAudio = z.infer<typeof recordingAudioSchema>;

/**
 * What a meeting offers the recorder. The meeting implements it: the current layout (broadcast
 * or multi-picture), its audio producers and which are audible, and a change notification after
 * any of those changed (venue joined/left, layout, broadcast, mute). The recorder re-reads both
 * on every change, so notifications may be coalesced or repeated freely.
 */
export interface RecordingSource {
  layout(): RecordingLayout;
  audio(): RecordingAudio[];
  /** Registers a listener for changes; returns its disposer. */
  onChange(listener: () => void): () => void;
}

export type RecordingTapEvent = 'producerClosed' | 'producerPaused' | 'producerResumed' | '@close';

/**
 * One producer sent as plain RTP to the recorder, created paused (the SFU's PlainTap satisfies
 * this). It closes when its producer closes or the meeting's media is torn down.
 */
export interface RecordingTap {
  readonly producerId: string;
  readonly kind: types.MediaKind;
  readonly rtpParameters: types.RtpParameters;
  readonly closed: boolean;
  readonly producerPaused: boolean;
  resume(): Promise<void>;
  requestKeyFrame(): Promise<void>;
  close(): void;
  on(event: RecordingTapEvent, listener: () => void): unknown;
  off(event: RecordingTapEvent, listener: () => void): unknown;
}

/** Where a tap must send: the decoder's RTP port and its RTCP port (RTP + 1). */
export interface TapTarget {
  ip: string;
  rtpPort: number;
  rtcpPort: number;
}

/**
 * Creates a tap of one producer of the meeting, e.g.
 * `(producerId, target) => meeting.sfuRoom.createPlainTap(producerId, target)`. It should look the
 * meeting's current media up on every call, so that taps follow media re-created after a worker died.
 */
export type TapFactory = (producerId: string, target: TapTarget) => Promise<RecordingTap>;
