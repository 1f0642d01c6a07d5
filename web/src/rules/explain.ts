// The dry run's condition results (flat, each with its path in the rule: `conditions.all[1].not`)
// joined with the conditions they belong to, so the page can name each one and indent the nested.
// Pure: unit-tested in test/unit/console-rules.test.ts.
import type { Condition, ConditionResult } from '#shared/domain/rules.ts';

/** The kind of a condition: its only key (`all`, `customer`, `workingHours`, …). */
type KeysOf<T> = T extends unknown ? keyof T : never;
export type ConditionKind = KeysOf<Condition>;

export interface ExplainedCondition {
  kind: ConditionKind | null;
  /** `customer` conditions: which the rule wants, `known` or `unknown` (the result's detail says what the caller is). */
  wants?: 'known' | 'unknown';
  /** 0 for the rule's top condition, one more per `all` / `any` / `not` around it. */
  depth: number;
  held: boolean;
  detail: string;
}

/** The condition at a result's path (`conditions`, `.all[i]`, `.any[i]`, `.not`), or null when the path does not fit the rule. */
export function conditionAt(root: Condition, path: string): { condition: Condition; depth: number } | null {
  if (!path.startsWith('conditions')) return null;
  let condition: Condition = root;
  let depth = 0;
  for (const step of path.slice('conditions'.length).match(/\.(all|any)\[\d+\]|\.not/g) ?? []) {
    const list = /^\.(all|any)\[(\d+)\]$/.exec(step);
    let next: Condition | undefined;
    if (list) {
      const items = list[1] === 'all' ? ('all' in condition ? condition.all : undefined) : 'any' in condition ? condition.any : undefined;
      next = items?.[Number(list[2])];
    } else if ('not' in condition) next = condition.not;
    if (!next) return null;
    condition = next;
    depth++;
  }
  return { condition, depth };
}

export function explainConditions(root: Condition, results: readonly ConditionResult[]): ExplainedCondition[] {
  return results.map((r) => {
    const at = conditionAt(root, r.path);
    const kind = at ? ((Object.keys(at.condition)[0] ?? null) as ConditionKind | null) : null;
    const wants = at && 'customer' in at.condition ? { wants: at.condition.customer } : {};
    return { kind, ...wants, depth: at?.depth ?? 0, held: r.held, detail: r.detail };
  });
}

/** A rule's verdict for the page: off, listening to another event, conditions failed, or matched. */
export type Verdict = 'disabled' | 'otherEvent' | 'conditionsFailed' | 'matched';

export function verdictOf(rule: { enabled: boolean }, result: { matched: boolean; eventMatched: boolean }): Verdict {
  if (result.matched) return 'matched';
  if (!rule.enabled) return 'disabled';
  return result.eventMatched ? 'conditionsFailed' : 'otherEvent';
}
