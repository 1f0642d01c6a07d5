// Declarative trigger rules (R1–R3): admin CRUD and the dry run. Pure data (route specs); the rule
// document itself is shared/domain/rules.ts (JSON Schema: docs/rules.schema.json).
import { z } from 'zod';
import { ruleBodySchema, ruleEvents, ruleSchema } from '../../domain/rules.ts';
import type { RouteSpec } from '../api.ts';
import { idParams, resourceId } from './core.ts';

const admins = ['admin'] as const satisfies RouteSpec['roles'];

const conditionResult = z.object({ path: z.string(), held: z.boolean(), detail: z.string() });

export const dryRunBody = z
  .strictObject({
    callId: resourceId.optional().describe('A stored call to evaluate the rule against'),
    ticketId: resourceId.optional().describe('A stored ticket to evaluate the rule against'),
    event: z.enum(ruleEvents).optional().describe("Which event to pretend it was; default the rule's own"),
  })
  .refine((b) => (b.callId === undefined) !== (b.ticketId === undefined), 'give exactly one of callId, ticketId');

export const dryRunResponse = z.object({
  ruleId: z.string().nullable(),
  event: z.enum(ruleEvents),
  matched: z.boolean(),
  eventMatched: z.boolean().describe('The rule listens to this event'),
  conditions: z.array(conditionResult).describe('Every condition, in order, with whether it held and why'),
  actions: z.array(z.string()).describe('The action types that would run (nothing is executed)'),
  facts: z.record(z.string(), z.unknown()).describe('The facts the rule was evaluated against'),
});

export const listRulesRoute = {
  id: 'listRules',
  method: 'GET',
  path: '/rules',
  summary: 'All trigger rules of the tenant (R2)',
  roles: [...admins],
  response: z.object({ items: z.array(ruleSchema) }),
} satisfies RouteSpec;

export const createRuleRoute = {
  id: 'createRule',
  method: 'POST',
  path: '/rules',
  summary: 'Create a trigger rule: event + conditions + actions (R1–R3; docs/rules.schema.json)',
  roles: [...admins],
  body: ruleBodySchema,
  response: ruleSchema,
  status: 201,
} satisfies RouteSpec;

export const getRuleRoute = {
  id: 'getRule',
  method: 'GET',
  path: '/rules/{id}',
  summary: 'One trigger rule',
  roles: [...admins],
  params: idParams,
  response: ruleSchema,
  errors: [404],
} satisfies RouteSpec;

export const replaceRuleRoute = {
  id: 'replaceRule',
  method: 'PUT',
  path: '/rules/{id}',
  summary: 'Replace a trigger rule',
  roles: [...admins],
  params: idParams,
  body: ruleBodySchema,
  response: ruleSchema,
  errors: [404],
} satisfies RouteSpec;

export const deleteRuleRoute = {
  id: 'deleteRule',
  method: 'DELETE',
  path: '/rules/{id}',
  summary: 'Delete a trigger rule',
  roles: [...admins],
  params: idParams,
  response: z.object({ id: z.string(), deleted: z.literal(true) }),
  errors: [404],
} satisfies RouteSpec;

export const dryRunRuleRoute = {
  id: 'dryRunRule',
  method: 'POST',
  path: '/rules/{id}/dry-run',
  summary: 'Evaluate a rule against a stored call or ticket and explain which conditions held; runs no action',
  roles: [...admins],
  params: idParams,
  body: dryRunBody,
  response: dryRunResponse,
  errors: [404],
} satisfies RouteSpec;

export const ruleRoutes = [listRulesRoute, createRuleRoute, getRuleRoute, replaceRuleRoute, deleteRuleRoute, dryRunRuleRoute];
export const triggerRoutes: RouteSpec[] = [...ruleRoutes];
