import type { TicketStatus } from '../api/types.ts';
import { useI18n } from '../ui/i18n-context.ts';

export const statuses: readonly TicketStatus[] = ['open', 'pending', 'closed'];

export function StatusBadge({ status }: { status: TicketStatus }) {
  const { t } = useI18n();
  return <span class={`badge badge-${status}`}>{t(`status.${status}`)}</span>;
}
