// Trigger rules (R1–R3): GET/POST /rules, GET/PUT/DELETE /rules/{id}, POST /rules/{id}/dry-run (admins).
import { ulid } from 'ulid';
import { deleteRule, getRule, listRules, putRule } from '#shared/adapters/rules-repo.ts';
import type { Rule } from '#shared/domain/rules.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { createRuleRoute, deleteRuleRoute, dryRunRuleRoute, getRuleRoute, listRulesRoute, replaceRuleRoute } from '#shared/http/routes/triggers.ts';
import { dryRun } from '#shared/services/rule-facts.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

async function existing(id: string): Promise<Rule> {
  const rule = await getRule(tenantId, id);
  if (!rule) throw notFound('rule not found');
  return rule;
}

export const handler = dispatch([
  [listRulesRoute, routeHandler(listRulesRoute, async () => json(200, { items: await listRules(tenantId, { fresh: true }) }))],
  [
    createRuleRoute,
    routeHandler(createRuleRoute, async ({ body }) => {
      const at = new Date().toISOString();
      const rule: Rule = { ...body, id: ulid(), createdAt: at, updatedAt: at };
      await putRule(tenantId, rule, false);
      return json(201, rule);
    }),
  ],
  [getRuleRoute, routeHandler(getRuleRoute, async ({ params }) => json(200, await existing(params.id)))],
  [
    replaceRuleRoute,
    routeHandler(replaceRuleRoute, async ({ params, body }) => {
      const current = await existing(params.id);
      const rule: Rule = { ...body, id: current.id, createdAt: current.createdAt, updatedAt: new Date().toISOString() };
      if (!(await putRule(tenantId, rule, true))) throw notFound('rule not found');
      return json(200, rule);
    }),
  ],
  [
    deleteRuleRoute,
    routeHandler(deleteRuleRoute, async ({ params }) => {
      if (!(await deleteRule(tenantId, params.id))) throw notFound('rule not found');
      return json(200, { id: params.id, deleted: true });
    }),
  ],
  [dryRunRuleRoute, routeHandler(dryRunRuleRoute, async ({ params, body }) => json(200, await dryRun({ tenant: tenantId, config: tenantConfig }, await existing(params.id), body)))],
]);
