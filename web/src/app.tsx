// The console: log in, then the pages the access level allows, the header, and the call pop-ups.
import type { ConsoleConfig } from '#shared/console-config.ts';
import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import { createApi } from './api/http.ts';
import { LiveConnection } from './api/live.ts';
import { CallLogPage } from './calllog/CallLogPage.tsx';
import { CallPopups } from './calls/CallPopups.tsx';
import { CustomersPage } from './customers/CustomersPage.tsx';
import { popupsReducer } from './calls/popups.ts';
import type { ConsoleLocale } from './i18n.ts';
import { allowed, matchPage, type PageId } from './pages.ts';
import { EmployeesPage } from './pages/EmployeesPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotAllowed, NotFound } from './pages/Notice.tsx';
import { ReportsPage } from './reports/ReportsPage.tsx';
import { type ConsoleUser, Session, storedLocale, storeLocale } from './session.ts';
import { DueReminders } from './tasks/DueReminders.tsx';
import { TasksPage } from './tasks/TasksPage.tsx';
import { TicketPage } from './tickets/TicketPage.tsx';
import { TicketsPage } from './tickets/TicketsPage.tsx';
import { ConsoleContext, useLiveState, type ConsoleServices } from './ui/console-context.ts';
import { Header } from './ui/Header.tsx';
import { I18nContext, makeI18n, useI18n } from './ui/i18n-context.ts';
import { navigate, usePath } from './ui/router.tsx';

export function App({ config }: { config: ConsoleConfig }) {
  const [locale, setLocale] = useState(() => storedLocale(config));
  const i18n = useMemo(
    () =>
      makeI18n(locale, (l: ConsoleLocale) => {
        storeLocale(l);
        setLocale(l);
      }),
    [locale],
  );
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const session = useMemo(() => new Session(config.auth), [config]);
  const [state, setState] = useState(session.state);
  useEffect(() => {
    const off = session.onChange(setState);
    void session.resume();
    return () => {
      off();
      session.dispose();
    };
  }, [session]);
  return (
    <I18nContext.Provider value={i18n}>
      {state.kind === 'signedIn' ? (
        <Console key={state.user.employeeId} config={config} session={session} login={state.user} />
      ) : state.kind === 'resuming' ? (
        <p class="notice" role="status">
          {i18n.t('app.loading')}
        </p>
      ) : (
        <LoginPage config={config} session={session} ended={state.ended} />
      )}
    </I18nContext.Provider>
  );
}

function Console({ config, session, login }: { config: ConsoleConfig; session: Session; login: ConsoleUser }) {
  const { t } = useI18n();
  const api = useMemo(() => createApi(config.apiUrl, session), [config, session]);
  const [live] = useState(() => new LiveConnection(config.wsUrl, () => session.idToken));
  useEffect(() => () => live.close(), [live]);
  const liveState = useLiveState(live);

  const [popups, dispatch] = useReducer(popupsReducer, []);
  useEffect(() => live.onMessage((message) => dispatch({ kind: 'message', message, me: login.employeeId })), [live, login]);
  const activeCallIds = useMemo(() => new Set(popups.filter((p) => p.phase !== 'ended').map((p) => p.call.id)), [popups]);
  const services = useMemo<ConsoleServices>(() => ({ config, login, session, api, live, activeCallIds }), [config, login, session, api, live, activeCallIds]);

  const path = usePath();
  useEffect(() => {
    if (path === '/') navigate('/tickets', true);
  }, [path]);
  const match = matchPage(path);

  return (
    <ConsoleContext.Provider value={services}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Header login={login} path={path} live={liveState} onLogout={() => void session.signOut()} />
      <CallPopups popups={popups} dispatch={dispatch} />
      <DueReminders />
      <main id="main" tabIndex={-1}>
        {!match ? path === '/' ? null : <NotFound /> : !allowed(match.page, login.role) ? <NotAllowed /> : <PageView id={match.page.id} params={match.params} />}
      </main>
    </ConsoleContext.Provider>
  );
}

function PageView({ id, params }: { id: PageId; params: Record<string, string> }) {
  switch (id) {
    case 'tickets':
      return <TicketsPage />;
    case 'ticket':
      return params['id'] ? <TicketPage id={params['id']} /> : <NotFound />;
    case 'tasks':
      return <TasksPage />;
    case 'calls':
      return <CallLogPage />;
    case 'reports':
      return <ReportsPage />;
    case 'customers':
      return <CustomersPage />;
    case 'employees':
      return <EmployeesPage />;
  }
}
