import { api } from '../../app/api.ts';
import type { CreateMeetingBody, Meeting, Venue } from '../../../../signaling/src/protocol/index.ts';

export type MeetingListItem = Meeting & { present: number };

export const meetingsApi = api.injectEndpoints({
  endpoints: (build) => ({
    getMeetings: build.query<MeetingListItem[], void>({
      query: () => '/meetings',
      transformResponse: (body: { meetings: MeetingListItem[] }) => body.meetings,
      providesTags: ['Meeting'],
    }),
    getVenues: build.query<Venue[], void>({
      query: () => '/venues',
      transformResponse: (body: { venues: Venue[] }) => body.venues,
      providesTags: ['Venue'],
    }),
    createMeeting: build.mutation<{ meeting: Meeting }, CreateMeetingBody>({
      query: (body) => ({ url: '/meetings', method: 'POST', body }),
      invalidatesTags: ['Meeting'],
    }),
  }),
});

export const { useGetMeetingsQuery, useGetVenuesQuery, useCreateMeetingMutation } = meetingsApi;
