import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { SessionUser } from '../../../../signaling/src/protocol/index.ts';

export interface AuthState {
  token: string | null;
  user: SessionUser | null;
}

const initialState: AuthState = { token: null, user: null };

export const authSlice = createSlice({
  name: 'auth',
  initialState,
  reducers: {
    loggedIn(_state, action: PayloadAction<{ token: string; user: SessionUser }>) {
      return { token: action.payload.token, user: action.payload.user };
    },
    loggedOut() {
      return initialState;
    },
  },
  selectors: {
    selectToken: (state) => state.token,
    selectUser: (state) => state.user,
  },
});

export const { loggedIn, loggedOut } = authSlice.actions;
export const { selectToken, selectUser } = authSlice.selectors;
