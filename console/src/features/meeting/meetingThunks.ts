import { createAppAsyncThunk } from '../../app/hooks.ts';
import { meetingJoinRequested } from './meetingSlice.ts';

export const joinMeeting = createAppAsyncThunk('meeting/join', async (meetingId: string, { dispatch, extra }) => {
  dispatch(meetingJoinRequested({ meetingId }));
  await extra.services.media.join(meetingId);
});

export const leaveMeeting = createAppAsyncThunk('meeting/leave', async (_: void, { extra }) => {
  await extra.services.media.leave();
});
