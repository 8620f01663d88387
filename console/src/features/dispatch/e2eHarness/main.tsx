import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { ServicesContext } from '../../../app/MediaContext.ts';
import { useAppSelector } from '../../../app/hooks.ts';
import { storedSession } from '../../../app/listenerMiddleware.ts';
import { makeStore } from '../../../app/store.ts';
import { LoginPage } from '../../auth/LoginPage.tsx';
import { loggedIn, selectToken } from '../../auth/authSlice.ts';
import { Header } from '../../shell/Header.tsx';
import { initI18n } from '../../../i18n/index.ts';
import { ConsoleServices } from '../../../services/ConsoleServices.ts';
import { DispatchPage } from '../DispatchPage.tsx';

/**
 * Test harness for the dispatch feature's end-to-end test: the real store, login page, header
 * and DispatchPage, without the rest of the app shell (App.tsx routes to DispatchPage once the
 * integrator adds it). Built by test/e2e-dispatch.test.ts; never part of the product bundle.
 */
function HarnessApp() {
  const token = useAppSelector(selectToken);
  if (!token) return <LoginPage />;
  return (
    <div className="shell">
      <Header />
      <main className="content">
        <DispatchPage />
      </main>
    </div>
  );
}

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
        <HarnessApp />
      </ServicesContext.Provider>
    </Provider>
  </StrictMode>,
);
