import { createListenerMiddleware } from '@reduxjs/toolkit';
import { z } from 'zod';
import { sessionUserSchema } from '../../../signaling/src/protocol/index.ts';
import { loggedIn, loggedOut } from '../features/auth/authSlice.ts';
import type { ThunkExtra } from './store.ts';

const TOKEN_KEY = 'yilian.session';
const storedSessionSchema = z.object({ token: z.string(), user: sessionUserSchema });

/** The session survives a page reload: kept in this tab's sessionStorage only. */
export function storedSession(): z.infer<typeof storedSessionSchema> | null {
  const raw = globalThis.sessionStorage?.getItem(TOKEN_KEY);
  if (!raw) return null;
  try {
    const parsed = storedSessionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Side effects of auth events: persist the session, open or close the signalling connection. */
export function createAppListenerMiddleware(extra: ThunkExtra) {
  const listener = createListenerMiddleware({ extra });
  listener.startListening({
    actionCreator: loggedIn,
    effect: (action, api) => {
      globalThis.sessionStorage?.setItem(TOKEN_KEY, JSON.stringify(action.payload));
      api.extra.services.connect(action.payload.token);
    },
  });
  listener.startListening({
    actionCreator: loggedOut,
    effect: (_action, api) => {
      globalThis.sessionStorage?.removeItem(TOKEN_KEY);
      api.extra.services.disconnect();
    },
  });
  return listener;
}
