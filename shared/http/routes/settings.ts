// The tenant's editable settings (pop-up fields, blocked numbers, caller IDs, time zone, …): admins
// read and change them without a redeploy. The document's schema is shared/config.ts; a change is a
// JSON merge patch against the version read (`If-Match`), so two admins never overwrite each other.
import { z } from 'zod';
import { prototypeKeyIn, tenantSettingsSchema } from '../../config.ts';
import type { RouteSpec } from '../api.ts';

const admins = ['admin'] as const satisfies RouteSpec['roles'];

export const storedSettingsSchema = z.object({
  version: z.number().int().nonnegative().describe('Send it back as `If-Match` to change the settings; 0 while the tenant file’s seed applies'),
  updatedAt: z.string().nullable().describe('When an admin last changed them; null while the seed applies'),
  settings: tenantSettingsSchema,
});

/**
 * Checked before any schema parses the body: zod would silently drop a `__proto__` key, and a
 * prototype-named key is refused, not ignored. The merged document is validated by the settings
 * schema in the repository, so the patch itself is only required to be an object here.
 */
export const settingsPatchSchema = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'the body must be a JSON object (a merge patch of the settings)')
  .superRefine((v, ctx) => {
    const bad = prototypeKeyIn(v);
    if (bad) ctx.addIssue({ code: 'custom', message: `the key ${bad} is not allowed` });
  })
  .meta({ type: 'object' })
  .describe('A JSON merge patch (RFC 7396) of `settings`: objects merge, `null` removes a key, arrays replace. The result must satisfy the settings schema, else 400 and nothing is stored.');

export const getSettingsRoute = {
  id: 'getSettings',
  method: 'GET',
  path: '/settings',
  summary: 'The tenant settings with their version (also in the `ETag` header)',
  roles: [...admins],
  response: storedSettingsSchema,
} satisfies RouteSpec;

export const patchSettingsRoute = {
  id: 'patchSettings',
  method: 'PATCH',
  path: '/settings',
  summary: 'Change tenant settings: a merge patch against the version in `If-Match`; 409 when they changed since, 428 without `If-Match`',
  roles: [...admins],
  body: settingsPatchSchema,
  response: storedSettingsSchema,
  errors: [409, 428],
} satisfies RouteSpec;

export const settingsRoutes: RouteSpec[] = [getSettingsRoute, patchSettingsRoute];
