// The pop-ups on an agent's screen as a pure function of what the WebSocket pushes and what the agent
// does in them (N1–N3). Kept free of the DOM so the rules have a unit test.
import type { AgentMessage, AgentMessageOf, CallSummary, CustomerCard } from '../api/messages.ts';

export type PopupPhase = 'ringing' | 'talking' | 'ended';

export interface Popup {
  call: CallSummary;
  customer: CustomerCard | null;
  phase: PopupPhase;
  /** The ticket this call was filed into from the pop-up (here or in another client of the agent). */
  ticketId: string | null;
  /** The call was added to an earlier ticket (T2) rather than filed as a new one. */
  linked?: boolean;
  /** The agent is working in the pop-up (form or search open): it stays after the call ends, until closed. */
  held: boolean;
}

export type PopupAction =
  | { kind: 'message'; message: AgentMessage; me: string }
  | { kind: 'hold'; callId: string }
  | { kind: 'linked'; callId: string; customer: CustomerCard }
  | { kind: 'ticket'; callId: string; ticketId: string; linked?: boolean }
  | { kind: 'close'; callId: string }
  /**
   * After a reconnect (C3): `current` are the agent's calls now (GET /me/calls); `known` the pop-ups'
   * calls when it was asked, so a pop-up pushed while the answer was on its way is left alone.
   */
  | { kind: 'resync'; current: AgentMessageOf<'incoming_call'>[]; known: ReadonlySet<string>; me: string };

/** At most this many at once: more calls than that ringing at one person is a queue, not a pop-up. */
export const MAX_POPUPS = 3;

function update(popups: Popup[], callId: string, change: (p: Popup) => Popup | null): Popup[] {
  return popups.flatMap((p) => {
    if (p.call.id !== callId) return [p];
    const next = change(p);
    return next ? [next] : [];
  });
}

/** N3: a pop-up collapses when the call ends, unless the agent is still working in it. */
const endOrCollapse = (p: Popup): Popup | null => (p.held ? { ...p, phase: 'ended' } : null);

/**
 * Filed: the work in the pop-up is done, so the call's end collapses it again — or now, when the end came
 * first (the push of the end can overtake the HTTP answer that filed the ticket).
 */
const filed = (p: Popup, ticketId: string): Popup | null => (p.phase === 'ended' ? null : { ...p, ticketId, held: false });

export function popupsReducer(popups: Popup[], action: PopupAction): Popup[] {
  switch (action.kind) {
    case 'message': {
      const m = action.message;
      if (m.type === 'incoming_call') {
        // N1: newest first; a repeated offer of the same call refreshes its pop-up.
        const fresh: Popup = { call: m.call, customer: m.customer, phase: 'ringing', ticketId: null, held: false };
        return [fresh, ...popups.filter((p) => p.call.id !== m.call.id)].slice(0, MAX_POPUPS);
      }
      if (m.type === 'call_answered') {
        // N3: answered here → the conversation starts; answered elsewhere → nothing left to do.
        return update(popups, m.call.id, (p) => (m.call.answeredBy === action.me ? { ...p, call: m.call, phase: 'talking' } : endOrCollapse(p)));
      }
      if (m.type === 'call_ended') return update(popups, m.call.id, (p) => endOrCollapse({ ...p, call: m.call }));
      if (m.type === 'agent_action' && 'callId' in m && 'ticketId' in m) {
        // Filed (here or in another client of the agent): the work is done, as with the 'ticket' action.
        const { ticketId } = m;
        return update(popups, m.callId, (p) => filed(p, ticketId));
      }
      return popups;
    }
    case 'hold':
      return update(popups, action.callId, (p) => ({ ...p, held: true }));
    case 'linked':
      return update(popups, action.callId, (p) => ({ ...p, customer: action.customer }));
    case 'ticket':
      return update(popups, action.callId, (p) => filed({ ...p, linked: action.linked === true }, action.ticketId));
    case 'close':
      return update(popups, action.callId, () => null);
    case 'resync': {
      const now = new Map(action.current.map((m) => [m.call.id, m]));
      const phaseOf = (c: CallSummary): PopupPhase => (c.answeredBy === action.me ? 'talking' : 'ringing');
      // Shown and still going: refreshed; shown but gone (ended, or answered by a colleague, while disconnected): N3.
      const kept = popups.flatMap((p) => {
        const m = now.get(p.call.id);
        if (m) return p.phase === 'ended' ? [p] : [{ ...p, call: m.call, phase: phaseOf(m.call) }];
        if (p.phase === 'ended' || !action.known.has(p.call.id)) return [p];
        const gone = endOrCollapse(p);
        return gone ? [gone] : [];
      });
      // Missed while disconnected: their pop-ups come back (N1), newest first.
      const shown = new Set(popups.map((p) => p.call.id));
      const missed = action.current
        .filter((m) => !shown.has(m.call.id))
        .map((m): Popup => ({ call: m.call, customer: m.customer, phase: phaseOf(m.call), ticketId: null, held: false }));
      return [...missed, ...kept].slice(0, MAX_POPUPS);
    }
  }
}
