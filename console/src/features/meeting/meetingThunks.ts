import type { ChairCommand } from '../../../../signaling/src/protocol/index.ts';
import { createAppAsyncThunk } from '../../app/hooks.ts';
import type { AppDispatch, ThunkExtra } from '../../app/store.ts';
import { RequestError } from '../../services/SignalingClient.ts';
import { localControlsChanged, meetingErrored, meetingJoinRequested } from './meetingSlice.ts';

export const joinMeeting = createAppAsyncThunk('meeting/join', async (meetingId: string, { dispatch, extra }) => {
  dispatch(meetingJoinRequested({ meetingId }));
  await extra.services.media.join(meetingId);
});

export const leaveMeeting = createAppAsyncThunk('meeting/leave', async (_: void, { extra }) => {
  await extra.services.media.leave();
});

/** A venue or chair action: a refusal from the server becomes a notice the operator can read. */
function meetingAction<A>(type: string, run: (arg: A, extra: ThunkExtra, dispatch: AppDispatch) => Promise<void>) {
  return createAppAsyncThunk(type, async (arg: A, { dispatch, extra }) => {
    try {
      await run(arg, extra, dispatch);
    } catch (error) {
      const code = error instanceof RequestError ? error.code : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      dispatch(meetingErrored(code === 'muted_by_chair' ? { key: 'meeting.mutedByChair' } : { key: 'meeting.error', message, code }));
    }
  });
}

export const setMicMuted = meetingAction<boolean>('meeting/mic', async (muted, extra, dispatch) => {
  await extra.services.media.setMicMuted(muted);
  dispatch(localControlsChanged({ micMuted: muted }));
});

export const setCameraOff = meetingAction<boolean>('meeting/camera', async (off, extra, dispatch) => {
  await extra.services.media.setCameraOff(off);
  dispatch(localControlsChanged({ cameraOff: off }));
});

export const raiseHand = meetingAction<boolean>('meeting/hand', async (raised, extra, dispatch) => {
  await extra.services.media.raiseHand(raised);
  dispatch(localControlsChanged({ handRaised: raised }));
});

export const chairCommand = meetingAction<ChairCommand>('meeting/chair', async (command, extra) => {
  await extra.services.media.chair(command);
});
