// What every page of a logged-in console shares: the settings, who is logged in, the API, the
// WebSocket, and the pop-ups' calls (a ticket page shows "call in progress" for them).
import type { ConsoleConfig } from '#shared/console-config.ts';
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api/http.ts';
import type { LiveConnection, LiveState } from '../api/live.ts';
import type { AgentMessage } from '../api/messages.ts';
import type { ConsoleUser, Session } from '../session.ts';

export interface ConsoleServices {
  config: ConsoleConfig;
  login: ConsoleUser;
  /** The current id token (`session.idToken`) for requests made outside `api`. */
  session: Session;
  api: Api;
  live: LiveConnection;
  /** Calls shown in pop-ups and not ended. */
  activeCallIds: ReadonlySet<string>;
}

export const ConsoleContext = createContext<ConsoleServices | null>(null);

export function useConsole(): ConsoleServices {
  const services = useContext(ConsoleContext);
  if (!services) throw new Error('useConsole outside ConsoleContext');
  return services;
}

export function useLiveState(live: LiveConnection): LiveState {
  const [state, setState] = useState(live.state);
  useEffect(() => live.onState((s) => setState(s)), [live]);
  return state;
}

/**
 * Calls `refresh` when a pushed message may have changed what a page shows, and after a reconnect
 * (C3: what was pushed while the connection was down is fetched again).
 */
export function useRefreshOn(live: LiveConnection, affects: (m: AgentMessage) => boolean, refresh: () => void): void {
  const latest = useRef({ affects, refresh });
  latest.current = { affects, refresh };
  useEffect(() => {
    const offMessage = live.onMessage((m) => latest.current.affects(m) && latest.current.refresh());
    const offState = live.onState((_, reconnected) => reconnected && latest.current.refresh());
    return () => {
      offMessage();
      offState();
    };
  }, [live]);
}
