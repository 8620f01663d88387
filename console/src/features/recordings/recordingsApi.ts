import { api } from '../../app/api.ts';

export interface RecordingItem {
  id: string;
  meetingId: string;
  meetingTitle: string;
  status: 'recording' | 'finished' | 'failed';
  startedAt: string;
  endedAt: string | null;
  durationS: number;
  sizeBytes: number;
  mp4: string | null;
  epochs: number;
  error: string | null;
}

export interface RecordingAccess {
  playlistUrl: string;
  mp4Url: string | null;
  live: boolean;
}

const recordingsApi = api.enhanceEndpoints({ addTagTypes: ['Recording'] }).injectEndpoints({
  endpoints: (build) => ({
    getRecordings: build.query<{ recordings: RecordingItem[]; retentionDays: number | null }, string | void>({
      query: (meetingId) => (meetingId ? `/recordings?meetingId=${encodeURIComponent(meetingId)}` : '/recordings'),
      providesTags: ['Recording'],
    }),
    getRecordingAccess: build.query<RecordingAccess, string>({
      query: (id) => `/recordings/${id}/access`,
      keepUnusedDataFor: 0,
    }),
    setMeetingRecording: build.mutation<unknown, { meetingId: string; action: 'start' | 'stop' }>({
      query: ({ meetingId, action }) => ({ url: `/meetings/${meetingId}/recording`, method: 'POST', body: { action } }),
      invalidatesTags: ['Recording'],
    }),
    deleteRecording: build.mutation<unknown, string>({
      query: (id) => ({ url: `/recordings/${id}`, method: 'DELETE' }),
      invalidatesTags: ['Recording'],
    }),
    setRetention: build.mutation<unknown, number | null>({
      query: (days) => ({ url: '/settings/recording-retention', method: 'PUT', body: { days } }),
      invalidatesTags: ['Recording'],
    }),
  }),
});

export const {
  useGetRecordingsQuery,
  useGetRecordingAccessQuery,
  useSetMeetingRecordingMutation,
  useDeleteRecordingMutation,
  useSetRetentionMutation,
} = recordingsApi;
