// N4, T7: the click-to-call in progress, as a pure function of what the WebSocket pushes. `call_dialing`
// starts it (the PBX rings the agent, then the customer); the outgoing call to that number ending,
// or a newer click-to-call, ends it. Unit-tested in test/unit/console-popups.test.ts.
import type { AgentMessage, AgentMessageOf } from '../api/messages.ts';

export type Dialing = Omit<AgentMessageOf<'call_dialing'>, 'type'> & { phase: 'dialing' | 'talking' };

export function dialingAfter(current: Dialing | null, m: AgentMessage): Dialing | null {
  if (m.type === 'call_dialing') {
    const { type: _, ...dialing } = m;
    return { ...dialing, phase: 'dialing' };
  }
  if (!current || (m.type !== 'call_answered' && m.type !== 'call_ended') || m.call.direction !== 'outbound' || m.call.to !== current.number) return current;
  return m.type === 'call_answered' ? { ...current, phase: 'talking' } : null;
}

/** Click-to-call from a ticket (T7): the API answers once the PBX took the command; `call_dialing` follows. */
export async function callFromTicket(api: { send<T>(method: 'POST', path: string, body?: unknown): Promise<T> }, ticketId: string, phone?: string): Promise<Dialing> {
  const r = await api.send<{ ticketId: string; commandId: string; provider: string; number: string }>('POST', `/tickets/${encodeURIComponent(ticketId)}/call`, phone ? { phone } : {});
  return { ticketId: r.ticketId, commandId: r.commandId, provider: r.provider, number: r.number, subject: '', phase: 'dialing' };
}
