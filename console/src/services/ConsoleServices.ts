import type { UnknownAction } from '@reduxjs/toolkit';
import {
  controlStateReceived,
  venueStatsReceived,
  recordingChanged,
  localMediaChanged,
  meetingErrored,
  meetingJoined,
  meetingLeft,
  participantJoined,
  participantLeft,
  participantTracksChanged,
  sessionStatusChanged,
} from '../features/meeting/meetingSlice.ts';
import { MediaSession } from './MediaSession.ts';
import { SignalingClient } from './SignalingClient.ts';

type Dispatch = (action: UnknownAction) => unknown;

/**
 * The non-serialisable side of the console: the signalling socket and the media session. Thunks
 * reach it through the store's extraArgument, components through MediaContext; it reports to the
 * store only by dispatching actions.
 */
export class ConsoleServices {
  #dispatch: Dispatch | undefined;
  #signaling: SignalingClient | undefined;
  #media: MediaSession | undefined;

  bind(dispatch: Dispatch): void {
    this.#dispatch = dispatch;
  }

  get media(): MediaSession {
    if (!this.#media) throw new Error('not connected: log in first');
    return this.#media;
  }

  get connected(): boolean {
    return this.#media !== undefined;
  }

  connect(token: string): void {
    this.disconnect();
    const dispatch = this.#dispatch;
    if (!dispatch) throw new Error('ConsoleServices.bind(dispatch) must be called first');
    const signaling = new SignalingClient({ token });
    this.#signaling = signaling;
    this.#media = new MediaSession({
      signaling,
      listener: {
        status: (status) => dispatch(sessionStatusChanged(status)),
        joined: (info) => dispatch(meetingJoined(info)),
        participantJoined: (p) => dispatch(participantJoined(p)),
        participantLeft: (id) => dispatch(participantLeft(id)),
        tracksChanged: (participantId, kinds) => dispatch(participantTracksChanged({ participantId, ...kinds })),
        localChanged: (kinds) => dispatch(localMediaChanged(kinds)),
        controlChanged: (control) => dispatch(controlStateReceived(control)),
        stats: (venues) => dispatch(venueStatsReceived(venues)),
        recordingChanged: (recording) => dispatch(recordingChanged(recording)),
        ended: (reason) =>
          dispatch(
            meetingLeft({
              notice:
                reason === 'replaced'
                  ? { key: 'meeting.replaced' }
                  : reason === 'ended'
                    ? { key: 'meeting.ended' }
                    : reason === 'removed'
                      ? { key: 'meeting.removed' }
                      : null,
            }),
          ),
        error: (message, code) => dispatch(meetingErrored({ key: 'meeting.error', message, code })),
      },
    });
  }

  disconnect(): void {
    this.#media?.close();
    this.#signaling?.close();
    this.#media = undefined;
    this.#signaling = undefined;
  }
}
