import type { ChairCommand } from '../../../../signaling/src/protocol/index.ts';
import { createAppAsyncThunk } from '../../app/hooks.ts';
import { RequestError } from '../../services/SignalingClient.ts';
import { localControlsChanged, meetingErrored, meetingJoinRequested } from './meetingSlice.ts';

export const joinMeeting = createAppAsyncThunk('meeting/join', async (meetingId: string, { dispatch, extra }) => {
  dispatch(meetingJoinRequested({ meetingId }));
  await extra.services.media.join(meetingId);
});

export const leaveMeeting = createAppAsyncThunk('meeting/leave', async (_: void, { extra }) => {
  await extra.services.media.leave();
});

/** Runs a venue or chair action; a refusal becomes a notice the operator can read. */
const reportRefusal = (dispatch: (a: ReturnType<typeof meetingErrored>) => unknown, error: unknown) => {
  const code = error instanceof RequestError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  dispatch(meetingErrored(code === 'muted_by_chair' ? { key: 'meeting.mutedByChair' } : { key: 'meeting.error', message, code }));
};

export const setMicMuted = createAppAsyncThunk('meeting/mic', async (muted: boolean, { dispatch, extra }) => {
  try {
    await extra.services.media.setMicMuted(muted);
    dispatch(localControlsChanged({ micMuted: muted }));
  } catch (error) {
    reportRefusal(dispatch, error);
  }
});

export const setCameraOff = createAppAsyncThunk('meeting/camera', async (off: boolean, { dispatch, extra }) => {
  try {
    await extra.services.media.setCameraOff(off);
    dispatch(localControlsChanged({ cameraOff: off }));
  } catch (error) {
    reportRefusal(dispatch, error);
  }
});

export const raiseHand = createAppAsyncThunk('meeting/hand', async (raised: boolean, { dispatch, extra }) => {
  try {
    await extra.services.media.raiseHand(raised);
    dispatch(localControlsChanged({ handRaised: raised }));
  } catch (error) {
    reportRefusal(dispatch, error);
  }
});

export const chairCommand = createAppAsyncThunk('meeting/chair', async (command: ChairCommand, { dispatch, extra }) => {
  try {
    await extra.services.media.chair(command);
  } catch (error) {
    reportRefusal(dispatch, error);
  }
});
