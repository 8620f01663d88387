import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { App } from './App.tsx';
import { ServicesContext } from './app/MediaContext.ts';
import { storedSession } from './app/listenerMiddleware.ts';
import { makeStore } from './app/store.ts';
import { loggedIn } from './features/auth/authSlice.ts';
import { initI18n } from './i18n/index.ts';
import { ConsoleServices } from './services/ConsoleServices.ts';

await initI18n();
const services = new ConsoleServices();
const store = makeStore({ services });
services.bind(store.dispatch);
const session = storedSession();
if (session) store.dispatch(loggedIn(session));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider store={store}>
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>
    </Provider>
  </StrictMode>,
);
