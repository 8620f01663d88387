import { api } from '../../app/api.ts';
import type { SessionUser } from '../../../../signaling/src/protocol/index.ts';

export const authApi = api.injectEndpoints({
  endpoints: (build) => ({
    login: build.mutation<{ token: string; user: SessionUser }, { username: string; password: string }>({
      query: (body) => ({ url: '/login', method: 'POST', body }),
    }),
    logout: build.mutation<{ ok: boolean }, void>({
      query: () => ({ url: '/logout', method: 'POST' }),
    }),
  }),
});

export const { useLoginMutation, useLogoutMutation } = authApi;
