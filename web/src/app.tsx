// The console: log in, then the pages the access level allows, the header, and the call pop-ups.
import type { ConsoleConfig } from '#shared/console-config.ts';
import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { createApi, type Api } from './api/http.ts';
import { LiveConnection } from './api/live.ts';
import type { AgentMessageOf } from './api/messages.ts';
import { CallLogPage } from './calllog/CallLogPage.tsx';
import { CallPopups } from './calls/CallPopups.tsx';
import { DialingNotice, DialingProvider } from './calls/Dialing.tsx';
import { CustomersPage } from './customers/CustomersPage.tsx';
import { popupsReducer, type Popup, type PopupAction } from './calls/popups.ts';
import type { ConsoleLocale } from './i18n.ts';
import { allowed, matchPage, type PageId } from './pages.ts';
import { EmployeesPage } from './pages/EmployeesPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotAllowed, NotFound } from './pages/Notice.tsx';
import { ReportsPage } from './reports/ReportsPage.tsx';
import { RulesPage } from './rules/RulesPage.tsx';
import { type ConsoleUser, Session, storedLocale, storeLocale } from './session.ts';
import { DueReminders } from './tasks/DueReminders.tsx';
import { TasksPage } from './tasks/TasksPage.tsx';
import { TicketPage } from './tickets/TicketPage.tsx';
import { TicketsPage } from './tickets/TicketsPage.tsx';
import { ConsoleContext, useLiveState, type ConsoleServices } from './ui/console-context.ts';
import { Header } from './ui/Header.tsx';
import { I18nContext, makeI18n, useI18n } from './ui/i18n-context.ts';
import { navigate, useLocation } from './ui/router.tsx';

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
  useMissedPopups(live, api, login.employeeId, popups, dispatch);
  const activeCallIds = useMemo(() => new Set(popups.filter((p) => p.phase !== 'ended').map((p) => p.call.id)), [popups]);
  const services = useMemo<ConsoleServices>(() => ({ config, login, session, api, live, activeCallIds }), [config, login, session, api, live, activeCallIds]);

  const { path, search } = useLocation();
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
      <DialingProvider>
        <CallPopups popups={popups} dispatch={dispatch} />
        <DueReminders />
        <DialingNotice path={path} />
        <main id="main" tabIndex={-1}>
          {!match ? path === '/' ? null : <NotFound /> : !allowed(match.page, login.role) ? <NotAllowed /> : <PageView id={match.page.id} params={match.params} search={search} />}
        </main>
      </DialingProvider>
    </ConsoleContext.Provider>
  );
}

/**
 * C3: after a reconnect the agent's current calls are fetched again, so a call that rang while the
 * connection was down gets its pop-up and one that ended meanwhile collapses (N1, N3).
 */
function useMissedPopups(live: LiveConnection, api: Api, me: string, popups: Popup[], dispatch: (a: PopupAction) => void): void {
  const shown = useRef(popups);
  shown.current = popups;
  useEffect(
    () =>
      live.onState((_, reconnected) => {
        if (!reconnected) return;
        const known = new Set(shown.current.map((p) => p.call.id));
        api.get<{ items: AgentMessageOf<'incoming_call'>[] }>('/me/calls').then(
          ({ items }) => dispatch({ kind: 'resync', current: items, known, me }),
          () => undefined, // the next reconnect asks again; pushes keep coming meanwhile
        );
      }),
    [live, api, me, dispatch],
  );
}

function PageView({ id, params, search }: { id: PageId; params: Record<string, string>; search: string }) {
  switch (id) {
    case 'tickets':
      // A link to filtered tickets (`?customer=…`) starts the list afresh.
      return <TicketsPage key={search} customerId={new URLSearchParams(search).get('customer')} />;
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
    case 'rules':
      return <RulesPage />;
  }
}
