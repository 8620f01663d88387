import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react';

interface TokenState {
  auth: { token: string | null };
}

/** The one RTK Query api; features add their endpoints with injectEndpoints. */
export const api = createApi({
  reducerPath: 'api',
  baseQuery: fetchBaseQuery({
    baseUrl: '/api',
    prepareHeaders: (headers, { getState }) => {
      const token = (getState() as TokenState).auth.token;
      if (token) headers.set('authorization', `Bearer ${token}`);
      return headers;
    },
  }),
  tagTypes: ['Meeting', 'Venue', 'Group'],
  endpoints: () => ({}),
});
