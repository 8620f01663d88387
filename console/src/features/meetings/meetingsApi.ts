import { api } from '../../app/api.ts';
import type { CreateMeetingBody, Group, GroupBody, Meeting, Venue } from '../../../../signaling/src/protocol/index.ts';

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
    getGroups: build.query<Group[], void>({
      query: () => '/groups',
      transformResponse: (body: { groups: Group[] }) => body.groups,
      providesTags: ['Group'],
    }),
    saveGroup: build.mutation<{ group: Group }, GroupBody & { id?: string }>({
      query: ({ id, ...body }) => ({ url: id ? `/groups/${id}` : '/groups', method: id ? 'PUT' : 'POST', body }),
      invalidatesTags: ['Group'],
    }),
    deleteGroup: build.mutation<{ ok: boolean }, string>({
      query: (id) => ({ url: `/groups/${id}`, method: 'DELETE' }),
      invalidatesTags: ['Group'],
    }),
  }),
});

export const {
  useGetMeetingsQuery,
  useGetVenuesQuery,
  useCreateMeetingMutation,
  useGetGroupsQuery,
  useSaveGroupMutation,
  useDeleteGroupMutation,
} = meetingsApi;
