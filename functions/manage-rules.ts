// Admin configuration. Trigger rules (R1–R3): GET/POST /rules, GET/PUT/DELETE /rules/{id},
// POST /rules/{id}/dry-run; tenant settings: GET/PATCH /settings (one function for both saves a
// function's worth of resources in a stack near CloudFormation's limit).
import { ulid } from 'ulid';
import { currentSettings, patchSettings, type StoredSettings } from '#shared/adapters/settings-repo.ts';
import { deleteRule, getRule, listRules, putRule } from '#shared/adapters/rules-repo.ts';
import type { Rule } from '#shared/domain/rules.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { AppError, badRequest, notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { createRuleRoute, deleteRuleRoute, dryRunRuleRoute, getRuleRoute, listRulesRoute, replaceRuleRoute } from '#shared/http/routes/triggers.ts';
import { getSettingsRoute, patchSettingsRoute } from '#shared/http/routes/settings.ts';
import { dryRun } from '#shared/services/rule-facts.ts';
import '#shared/tenant-secrets.ts'; // read at cold start
import { settingsSeed, tenantConfig, tenantId } from '#shared/tenant.ts';

async function existing(id: string): Promise<Rule> {
  const rule = await getRule(tenantId, id);
  if (!rule) throw notFound('rule not found');
  return rule;
}

/** `If-Match: "3"` (or `3`, `W/"3"`) → 3; the header is required so a blind write never overwrites. */
function expectedVersion(header: string | undefined): number {
  if (header === undefined) throw new AppError(428, 'precondition_required', 'send the version you read as If-Match (GET /settings answers it as ETag)');
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw badRequest('If-Match must be the settings version, e.g. "3"', 'invalid_if_match');
  return Number(m[1]);
}

const settingsResponse = (stored: StoredSettings) => json(200, stored, { etag: `"${stored.version}"`, 'cache-control': 'no-store' });

export const handler = dispatch([
  [getSettingsRoute, routeHandler(getSettingsRoute, async () => settingsResponse(await currentSettings(tenantId, settingsSeed(), { fresh: true })))],
  [
    patchSettingsRoute,
    routeHandler(patchSettingsRoute, async ({ event, body }) =>
      settingsResponse(await patchSettings(tenantId, settingsSeed(), expectedVersion(event.headers?.['if-match']), body)),
    ),
  ],
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
  [dryRunRuleRoute, routeHandler(dryRunRuleRoute, async ({ params, body }) => json(200, await dryRun({ tenant: tenantId, config: await tenantConfig() }, await existing(params.id), body)))],
]);
