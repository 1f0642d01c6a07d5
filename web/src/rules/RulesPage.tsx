// Trigger rules for admins (C2, R1–R3): the tenant's rules, and the dry run explained for a call —
// per rule whether it would match, every condition with whether it held and why, and the actions
// that would run. Nothing runs: the API only evaluates.
import { useState } from 'preact/hooks';
import type { CallLogRow, ConditionResult, Page, Rule, RuleEvent } from '../api/types.ts';
import { LoadError } from '../pages/Notice.tsx';
import { FormError } from '../ui/FormError.tsx';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { useAsync } from '../ui/use-async.ts';
import { explainConditions, verdictOf } from './explain.ts';

interface DryRun {
  ruleId: string | null;
  event: RuleEvent;
  matched: boolean;
  eventMatched: boolean;
  conditions: ConditionResult[];
  actions: string[];
}

type Explained = { callId: string; results: { rule: Rule; run: DryRun }[] };

export function RulesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useConsole();
  const rules = useAsync(() => api.get<{ items: Rule[] }>('/rules'), [api]);
  const calls = useAsync(() => api.get<Page<CallLogRow>>('/calls?limit=20'), [api]);
  const [callId, setCallId] = useState('');
  const [explained, setExplained] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const explain = async (e: Event) => {
    e.preventDefault();
    const id = callId.trim();
    if (!id || !rules.data) return;
    setBusy(true);
    setError(null);
    try {
      const results = await Promise.all(
        rules.data.items.map(async (rule) => ({ rule, run: await api.send<DryRun>('POST', `/rules/${encodeURIComponent(rule.id)}/dry-run`, { callId: id }) })),
      );
      setExplained({ callId: id, results });
    } catch (err) {
      setExplained(null);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="rules-title">
      <div class="page-head">
        <h1 id="rules-title">{t('rules.title')}</h1>
      </div>
      {rules.error && <LoadError error={rules.error} retry={rules.reload} />}
      {rules.data && rules.data.items.length === 0 && <p class="muted">{t('rules.empty')}</p>}
      {rules.data && rules.data.items.length > 0 && (
        <table class="list" aria-labelledby="rules-title">
          <thead>
            <tr>
              <th scope="col">{t('rules.name')}</th>
              <th scope="col">{t('rules.event')}</th>
              <th scope="col">{t('rules.actions')}</th>
              <th scope="col">{t('rules.state')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.data.items.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td data-label={t('rules.event')}>{t(`ruleEvent.${r.event}`)}</td>
                <td data-label={t('rules.actions')}>{r.actions.map((a) => t(`ruleAction.${a.type}`)).join(', ')}</td>
                <td data-label={t('rules.state')}>{r.enabled ? t('rules.on') : t('rules.off')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form class="dry-run-form" aria-labelledby="dry-run-title" onSubmit={(e) => void explain(e)}>
        <h2 id="dry-run-title">{t('rules.dryRunTitle')}</h2>
        <p class="muted">{t('rules.dryRunNote')}</p>
        <div class="filters">
          <label>
            {t('rules.recentCall')}
            <select value={calls.data?.items.some((c) => c.id === callId) ? callId : ''} onChange={(e) => setCallId(e.currentTarget.value)}>
              <option value="">{t('rules.pickCall')}</option>
              {(calls.data?.items ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {callLabel(c, i18n)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('rules.callId')}
            <input value={callId} size={24} onInput={(e) => setCallId(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy || callId.trim() === '' || !rules.data?.items.length}>
            {t('rules.explain')}
          </button>
        </div>
        <FormError error={error} />
      </form>
      {explained && (
        <ol class="dry-runs" aria-label={t('rules.resultsFor', { id: explained.callId })}>
          {explained.results.map(({ rule, run }) => (
            <DryRunView key={rule.id} rule={rule} run={run} />
          ))}
        </ol>
      )}
    </section>
  );
}

function callLabel(c: CallLogRow, { t, dateTime }: ReturnType<typeof useI18n>): string {
  return `${dateTime(c.startedAt)} · ${t(`direction.${c.direction}`)} · ${c.customerNumber ?? c.from} · ${c.outcome ? t(`outcome.${c.outcome}`) : t('rules.callOngoing')}`;
}

function DryRunView({ rule, run }: { rule: Rule; run: DryRun }) {
  const { t } = useI18n();
  const verdict = verdictOf(rule, run);
  const rows = explainConditions(rule.conditions, run.conditions);
  return (
    <li class={`dry-run verdict-${verdict}`} aria-label={rule.name}>
      <div class="dry-run-head">
        <h3>{rule.name}</h3>
        <span class={`badge ${verdict === 'matched' ? 'badge-ok' : 'badge-no'}`}>{t(`verdict.${verdict}`, { event: t(`ruleEvent.${run.event}`) })}</span>
      </div>
      <p class="muted">{t('rules.evaluatedAs', { event: t(`ruleEvent.${run.event}`) })}</p>
      <ul class="conditions" aria-label={t('rules.conditions')}>
        {rows.map((c, i) => (
          <li key={i} class={c.held ? 'held' : 'failed'} style={{ marginInlineStart: `${c.depth * 1.25}rem` }}>
            <span class="mark" aria-hidden="true">
              {c.held ? '✓' : '✗'}
            </span>
            <strong>{c.wants === 'unknown' ? t('condition.customerUnknown') : c.kind ? t(`condition.${c.kind}`) : t('condition.unknown')}</strong>
            <span class="visually-hidden">{c.held ? t('rules.held') : t('rules.failed')}</span> <span class="detail">{c.detail}</span>
          </li>
        ))}
      </ul>
      <p class="would-run">
        {run.actions.length > 0 ? t('rules.wouldRun', { actions: run.actions.map((a) => t(`ruleAction.${a}` as 'ruleAction.notify')).join(', ') }) : t('rules.nothingRuns')}
      </p>
    </li>
  );
}
