import { combineSlices, configureStore } from '@reduxjs/toolkit';
import { authSlice } from '../features/auth/authSlice.ts';
import { meetingSlice } from '../features/meeting/meetingSlice.ts';
import type { ConsoleServices } from '../services/ConsoleServices.ts';
import { api } from './api.ts';
import { createAppListenerMiddleware } from './listenerMiddleware.ts';

const rootReducer = combineSlices(authSlice, meetingSlice, api);
export type RootState = ReturnType<typeof rootReducer>;

export interface ThunkExtra {
  services: ConsoleServices;
}

export function makeStore(options: { services: ConsoleServices; preloadedState?: Partial<RootState> }) {
  const extra: ThunkExtra = { services: options.services };
  const listener = createAppListenerMiddleware(extra);
  return configureStore({
    reducer: rootReducer,
    preloadedState: options.preloadedState,
    middleware: (getDefault) =>
      getDefault({ thunk: { extraArgument: extra } })
        .prepend(listener.middleware)
        .concat(api.middleware),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];
