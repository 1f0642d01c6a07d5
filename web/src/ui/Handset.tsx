// The missed-call flag of a ticket (M1, M3): a red handset while missed, green once called back.
import type { Ticket } from '../api/types.ts';
import { useI18n } from './i18n-context.ts';

export function Handset({ ticket }: { ticket: Pick<Ticket, 'missed' | 'missedState'> }) {
  const { t } = useI18n();
  const state = ticket.missedState ?? (ticket.missed ? 'missed' : null);
  if (!state) return null;
  const label = t(state === 'missed' ? 'handset.missed' : 'handset.resolved');
  return (
    <svg class={`handset handset-${state}`} role="img" aria-label={label} viewBox="0 0 24 24" width="20" height="20">
      <title>{label}</title>
      <path
        fill="currentColor"
        d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"
      />
    </svg>
  );
}
