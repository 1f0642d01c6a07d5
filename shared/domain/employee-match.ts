// E1: attribute a call to the employee owning the extension, SIP account, phone, email or name the
// PBX reports. Pure: built once from the directory, then a map lookup per agent.
import type { AgentRef } from './call.ts';
import { normalizePhone } from './phone.ts';

export interface MatchableEmployee {
  id: string;
  extension: string;
  sipAccounts: string[];
  phones: string[];
  email?: string | null;
  fullName: string;
  active?: boolean;
}

export type EmployeeMatcher = (agent: AgentRef) => string | null;

/** How extensions, emails and names compare: NFC, trimmed, inner spaces collapsed, lowercase. */
export const normText = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** `sip:anna@host;transport=udp` → `anna@host`; `anna` stays `anna`. */
export function sipAccount(s: string): string {
  return normText(s).replace(/^sips?:/, '').replace(/[;?].*$/, '');
}
const sipUser = (s: string) => sipAccount(s).split('@')[0] ?? '';

export function buildEmployeeMatcher(employees: MatchableEmployee[], country: string): EmployeeMatcher {
  const byExtension = new Map<string, string>();
  const bySip = new Map<string, string>();
  const bySipUser = new Map<string, string>();
  const byPhone = new Map<string, string>();
  const byEmail = new Map<string, string>();
  const byName = new Map<string, string | null>(); // null: several employees share the name
  // Extension, SIP, phone and email are unique per tenant (E1); on bad data the first one wins.
  const put = (m: Map<string, string>, k: string, id: string) => { if (k && !m.has(k)) m.set(k, id); };

  for (const e of employees) {
    if (e.active === false) continue;
    put(byExtension, normText(e.extension), e.id);
    for (const s of e.sipAccounts) {
      put(bySip, sipAccount(s), e.id);
      put(bySipUser, sipUser(s), e.id);
    }
    for (const p of e.phones) {
      const e164 = normalizePhone(p, country).e164;
      if (e164) put(byPhone, e164, e.id);
    }
    if (e.email) put(byEmail, normText(e.email), e.id);
    const name = normText(e.fullName);
    if (name) byName.set(name, byName.has(name) ? null : e.id);
  }

  return (agent) => {
    const ext = agent.extension ? normText(agent.extension) : '';
    const sip = agent.sip ? sipAccount(agent.sip) : '';
    const phone = agent.phone ? normalizePhone(agent.phone, country).e164 : null;
    return (
      (ext && byExtension.get(ext)) ||
      (sip && (bySip.get(sip) ?? bySipUser.get(sipUser(sip)) ?? byExtension.get(sipUser(sip)))) ||
      (phone && byPhone.get(phone)) ||
      (agent.email && byEmail.get(normText(agent.email))) ||
      // Names are not unique: an ambiguous name attributes to nobody rather than to the wrong person.
      (agent.name && byName.get(normText(agent.name))) ||
      null
    );
  };
}
