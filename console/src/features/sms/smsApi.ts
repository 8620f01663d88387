import { api } from '../../app/api.ts';
import type { SmsBroadcastBody } from '../../../../signaling/src/protocol/smsBroadcast.ts';
import type { Broadcast, RecipientStatus } from '../../../../signaling/src/sms/smsProtocol.ts';

/** The SMS broadcast endpoints (/api/sms), injected into the one api. */
const smsApi = api.enhanceEndpoints({ addTagTypes: ['SmsBroadcast'] }).injectEndpoints({
  endpoints: (build) => ({
    getBroadcasts: build.query<Broadcast[], void>({
      query: () => '/sms/broadcasts',
      transformResponse: (body: { broadcasts: Broadcast[] }) => body.broadcasts,
      providesTags: ['SmsBroadcast'],
    }),
    getBroadcast: build.query<{ broadcast: Broadcast; recipients: RecipientStatus[] }, string>({
      query: (id) => `/sms/broadcasts/${encodeURIComponent(id)}`,
      providesTags: ['SmsBroadcast'],
    }),
    sendBroadcast: build.mutation<{ broadcast: Broadcast }, SmsBroadcastBody>({
      query: (body) => ({ url: '/sms/broadcasts', method: 'POST', body }),
      invalidatesTags: ['SmsBroadcast'],
    }),
  }),
});

export const { useGetBroadcastsQuery, useGetBroadcastQuery, useSendBroadcastMutation } = smsApi;
