// The customer fields of a pop-up (N1): the tenant's choice, in its order, as the server sent them.
import type { CustomerCard } from '../api/messages.ts';
import type { MessageKey } from '../i18n.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';

const labels: Record<string, MessageKey> = {
  fullName: 'field.fullName',
  email: 'field.email',
  company: 'field.company',
  phones: 'field.phones',
  note: 'field.note',
};

function shown(value: unknown): string | null {
  if (Array.isArray(value)) return value.length ? value.join(', ') : null;
  return value === null || value === undefined || value === '' ? null : String(value);
}

export function CustomerCardView({ card }: { card: CustomerCard }) {
  const { t } = useI18n();
  const rows: [string, string][] = [];
  for (const [field, value] of Object.entries(card)) {
    if (field === 'customFields' || field === 'id' || field === 'responsibleEmployeeId') continue;
    const text = shown(value);
    if (text) rows.push([labels[field] ? t(labels[field]) : field, text]);
  }
  for (const [name, value] of Object.entries(card.customFields ?? {})) {
    const text = shown(value);
    if (text) rows.push([name, text]);
  }
  return (
    <>
      <dl class="card">
        {rows.map(([label, text]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
      <Link href={`/tickets?customer=${encodeURIComponent(card.id)}`} class="card-link">
        {t('customer.tickets')}
      </Link>
    </>
  );
}
