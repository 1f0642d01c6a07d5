// The rules page's reading of a dry run (C2, R2): each condition result named by the condition at its
// path and indented by nesting, evaluated by the real evaluator; and the verdict of a rule.
import { describe, expect, it } from 'vitest';
import { evaluateRule, type Condition, type Facts } from '../../shared/domain/rules.ts';
import { conditionAt, explainConditions, verdictOf } from '../../web/src/rules/explain.ts';

const conditions: Condition = { all: [{ customer: 'unknown' }, { not: { direction: ['outbound'] } }, { any: [{ line: ['+74951234567'] }, { talkSeconds: { gte: 30 } }] }] };

const facts = {
  event: 'missed_call',
  at: '2026-12-03T10:00:00.000Z',
  timeZone: 'Europe/Moscow',
  call: { id: 'c1', direction: 'inbound', line: '+74950000000', talkSeconds: 0, waitSeconds: 20, offeredTo: ['emp-101'], customerNumber: '+79161234567', outcome: 'missed' },
  customer: null,
  employee: null,
  ticket: null,
} as unknown as Facts;

describe('rules page: the dry run explained', () => {
  it('C2, R2: every condition result is named by its condition and indented by its nesting', () => {
    const evaluation = evaluateRule({ event: 'missed_call', enabled: true, conditions }, facts);
    const rows = explainConditions(conditions, evaluation.conditions);
    expect(rows.map((r) => [r.kind, r.depth, r.held])).toEqual([
      ['all', 0, false],
      ['customer', 1, true],
      ['not', 1, true],
      ['direction', 2, false],
      ['any', 1, false],
      ['line', 2, false],
      ['talkSeconds', 2, false],
    ]);
    expect(rows[5]!.detail).toContain('+74950000000');
    expect(rows[1]!.wants).toBe('unknown'); // named by what the rule wants, not by what the caller is
  });

  it('R2: a path that does not fit the rule is shown unnamed, not dropped', () => {
    expect(conditionAt(conditions, 'conditions.all[7]')).toBeNull();
    expect(conditionAt(conditions, 'elsewhere')).toBeNull();
    expect(explainConditions(conditions, [{ path: 'conditions.any[0]', held: true, detail: 'x' }])).toEqual([{ kind: null, depth: 0, held: true, detail: 'x' }]);
  });

  it('R2: the verdict says matched, off, another event, or conditions failed', () => {
    expect(verdictOf({ enabled: true }, { matched: true, eventMatched: true })).toBe('matched');
    expect(verdictOf({ enabled: false }, { matched: false, eventMatched: true })).toBe('disabled');
    expect(verdictOf({ enabled: true }, { matched: false, eventMatched: false })).toBe('otherEvent');
    expect(verdictOf({ enabled: true }, { matched: false, eventMatched: true })).toBe('conditionsFailed');
  });
});
