// Tenant settings, in two parts with one source of truth (the field shapes below):
// - settings (pop-up fields, blocked numbers, time zone, …): data in the table, editable through
//   GET/PATCH /settings; the tenant file only seeds them (shared/adapters/settings-repo.ts).
// - secrets (signing keys, provider credentials): one Secrets Manager secret per tenant, read at
//   cold start (shared/tenant-secrets.ts); never in the template.
// The tenant file (config/tenants/{tenant}.json or -c tenantConfig=FILE) holds both, as before:
// `tenantConfigSchema` validates it and `splitTenantConfig` separates it.
import { z } from 'zod';
import { isTimeZone } from './domain/csv.ts';
import { Invalid } from './domain/errors.ts';
import { outboundUrl, webUrl } from './domain/urls.ts';

export const tenantIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'tenant ids are lowercase letters, digits and dashes');

/** The Secrets Manager secret of a tenant's secrets (the stack creates it, `npm run secrets` writes it). */
export const tenantSecretName = (tenant: string): string => `ringdesk/${tenant}/secrets`;

// ---------------------------------------------------------------------------------------------
// Field shapes: each field is declared once, as a setting or as a secret.

const settingsShape = {
  /** ISO 3166 alpha-2 default country for national numbers (I4). */
  country: z.string().length(2).default('RU'),
  /** Subjects and messages: `en` or `ru`. */
  locale: z.enum(['en', 'ru']).default('en'),
  /** IANA time zone of day buckets, date-only report bounds and CSV times; one the runtime does not know fails synth. */
  timeZone: z
    .string()
    .refine(isTimeZone, { error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as "Europe/Moscow" or "UTC"` })
    .default('UTC'),
  /** Customer fields shown in the pop-up (N1); `custom:<name>` shows the custom field `<name>`. */
  popupFields: z
    .array(z.union([z.enum(['fullName', 'email', 'company', 'phones', 'note']), z.string().regex(/^custom:[\p{L}\p{N}_. -]{1,64}$/u, 'custom fields are custom:<name>')]))
    .default(['fullName', 'email', 'company']),
  /** A call still ringing this long after its last event is finalized by the sweeper (no hangup ever came). */
  ringingTimeoutMinutes: z.number().int().positive().default(15),
  /** A call still in conversation this long after its last event is finalized by the sweeper. */
  talkingTimeoutMinutes: z.number().int().positive().default(240),
  /** Call statistics (L2, docs/analytics.md): a target call is answered with at least `minTalkSeconds` of talk. */
  analytics: z
    .strictObject({ targetCall: z.strictObject({ minTalkSeconds: z.number().int().nonnegative().default(30) }).prefault({}) })
    .prefault({}),
  /** E.164 numbers whose inbound calls are rejected (Zammad `reject` answer). */
  blockedNumbers: z.array(z.string()).default([]),
  /** Outbound caller-ID rules, first match wins (Zammad `dial` answer). */
  outboundCallerIds: z.array(z.strictObject({ prefix: z.string(), callerId: z.string() })).default([]),
};

/** Outbound SMS / email gateways for trigger rules (R2, R3): POSTed JSON signed with `secret` (docs/triggers-rules.md). */
// Outbound URLs get signed requests: https only (http just to localhost stand-ins), never javascript: or file:.
const outboundSettings = { smsWebhookUrl: outboundUrl.optional(), emailWebhookUrl: outboundUrl.optional() };
const outboundSecrets = {
  /** HMAC-SHA256 key of the `X-Ringdesk-Signature` header of every outbound request (rule webhooks too). */
  secret: z.string().min(16).optional(),
};

/** Each provider: what signs or authorizes (secret) and where to reach it (setting). */
const providerShapes = {
  zammad: { secrets: { token: z.string().min(16) }, settings: {} },
  ringdesk: { secrets: { secret: z.string().min(16) }, settings: {} },
  /** Mango Office VPBX: `vpbx_api_key` and the signing salt; `apiUrl` for commands (click-to-call). */
  mango: { secrets: { apiKey: z.string().min(1), apiSalt: z.string().min(1) }, settings: { apiUrl: outboundUrl.default('https://app.mango-office.ru/vpbx/') } },
  /** Zadarma (also Novofon/Megacall): the API key/secret pair signs webhooks and API calls. */
  zadarma: { secrets: { apiKey: z.string().min(1), apiSecret: z.string().min(1) }, settings: { apiUrl: outboundUrl.default('https://api.zadarma.com') } },
  /** Twilio: auth token signs callbacks over `publicBaseUrl` (the URL Twilio sees, behind proxies). */
  twilio: {
    secrets: { authToken: z.string().min(1) },
    settings: {
      accountSid: z.string().optional(),
      publicBaseUrl: webUrl.optional(),
      apiUrl: outboundUrl.default('https://api.twilio.com'),
      /** Number calls are placed from (click-to-call). */
      callerId: z.string().optional(),
    },
  },
  /** RU cloud-PBX "CRM API" (MegaFon VATS and others): shared `crm_token`. */
  megafon: { secrets: { crmToken: z.string().min(1), apiKey: z.string().optional() }, settings: { apiUrl: outboundUrl.optional() } },
} as const;

export type ProviderName = keyof typeof providerShapes;
export const providerNames = Object.keys(providerShapes) as ProviderName[];

/** Which provider places click-to-call calls (T7); default: the first configured of mango, zadarma, twilio. */
const clickToCallProvider = z.enum(['mango', 'zadarma', 'twilio']).optional();

const { zammad, ringdesk, mango, zadarma, twilio, megafon } = providerShapes;

// ---------------------------------------------------------------------------------------------
// The three schemas.

/** The editable settings (GET/PATCH /settings): unknown keys are refused. */
export const tenantSettingsSchema = z.strictObject({
  ...settingsShape,
  outbound: z.strictObject(outboundSettings).optional(),
  providers: z
    .strictObject({
      mango: z.strictObject(mango.settings).optional(),
      zadarma: z.strictObject(zadarma.settings).optional(),
      twilio: z.strictObject(twilio.settings).optional(),
      megafon: z.strictObject(megafon.settings).optional(),
      clickToCallProvider,
    })
    .default({}),
});

/** The value of the tenant's secret (JSON); a provider is configured when its secrets are there. */
export const tenantSecretsSchema = z.strictObject({
  /** HS256 key of the CSV export's download tokens and of call-log cursors (at least 32 characters). */
  authSecret: z.string().min(32),
  outbound: z.strictObject(outboundSecrets).optional(),
  providers: z
    .strictObject({
      zammad: z.strictObject(zammad.secrets).optional(),
      ringdesk: z.strictObject(ringdesk.secrets).optional(),
      mango: z.strictObject(mango.secrets).optional(),
      zadarma: z.strictObject(zadarma.secrets).optional(),
      twilio: z.strictObject(twilio.secrets).optional(),
      megafon: z.strictObject(megafon.secrets).optional(),
    })
    .default({}),
});

/** Deploy-time operations of the tenant stack (lib/): alarm notifications and API throttling. Not read by functions. */
const operationsSchema = z
  .object({
    /** Every alarm of the stack is sent to its SNS topic; this address is subscribed to it (AWS mails a confirmation link once). */
    alarmEmail: z.email().optional(),
    /** API Gateway stage limits (requests per second, steady and burst); beyond them clients get 429. */
    throttle: z
      .object({
        http: z.object({ rateLimit: z.number().positive().default(100), burstLimit: z.number().int().positive().default(200) }).prefault({}),
        webSocket: z.object({ rateLimit: z.number().positive().default(50), burstLimit: z.number().int().positive().default(100) }).prefault({}),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * The tenant file, and what code that needs both parts sees (`tenantConfig()`). `operations` is
 * neither setting nor secret: it shapes the stack, so it changes with a deploy.
 */
export const tenantConfigSchema = z.object({
  tenant: tenantIdSchema,
  ...settingsShape,
  authSecret: tenantSecretsSchema.shape.authSecret,
  outbound: z.object({ ...outboundSettings, ...outboundSecrets }).optional(),
  operations: operationsSchema,
  providers: z
    .object({
      zammad: z.object({ ...zammad.secrets, ...zammad.settings }).optional(),
      ringdesk: z.object({ ...ringdesk.secrets, ...ringdesk.settings }).optional(),
      mango: z.object({ ...mango.secrets, ...mango.settings }).optional(),
      zadarma: z.object({ ...zadarma.secrets, ...zadarma.settings }).optional(),
      twilio: z.object({ ...twilio.secrets, ...twilio.settings }).optional(),
      megafon: z.object({ ...megafon.secrets, ...megafon.settings }).optional(),
      clickToCallProvider,
    })
    .default({}),
});

export type TenantConfig = z.infer<typeof tenantConfigSchema>;
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
export type TenantSecrets = z.infer<typeof tenantSecretsSchema>;

function pick(from: Record<string, unknown> | undefined, keys: object): Record<string, unknown> | undefined {
  if (!from) return undefined;
  const out = Object.fromEntries(Object.keys(keys).flatMap((k) => (from[k] === undefined ? [] : [[k, from[k]]])));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The tenant file → its settings (seed of the table) and its secrets (seed of the secret). */
export function splitTenantConfig(config: TenantConfig): { settings: TenantSettings; secrets: TenantSecrets } {
  const providers = config.providers as Record<string, Record<string, unknown> | undefined>;
  const settingsProviders: Record<string, unknown> = {};
  const secretProviders: Record<string, unknown> = {};
  for (const name of providerNames) {
    const shape = providerShapes[name];
    const s = pick(providers[name], shape.settings);
    const k = pick(providers[name], shape.secrets);
    if (s) settingsProviders[name] = s;
    if (k) secretProviders[name] = k;
  }
  if (config.providers.clickToCallProvider) settingsProviders['clickToCallProvider'] = config.providers.clickToCallProvider;
  const settingsFields = Object.fromEntries(Object.keys(settingsShape).map((k) => [k, config[k as keyof typeof settingsShape]]));
  const outSettings = pick(config.outbound, outboundSettings);
  const outSecrets = pick(config.outbound, outboundSecrets);
  return {
    settings: tenantSettingsSchema.parse({ ...settingsFields, ...(outSettings ? { outbound: outSettings } : {}), providers: settingsProviders }),
    secrets: tenantSecretsSchema.parse({ authSecret: config.authSecret, ...(outSecrets ? { outbound: outSecrets } : {}), providers: secretProviders }),
  };
}

/** Settings and secrets back into one view; a provider is there when its secrets are. */
export function joinTenantConfig(tenant: string, settings: TenantSettings, secrets: TenantSecrets): TenantConfig {
  const providers: Record<string, unknown> = {};
  for (const name of providerNames) {
    const k = secrets.providers[name];
    if (k) providers[name] = { ...(settings.providers as Record<string, object | undefined>)[name], ...k };
  }
  if (settings.providers.clickToCallProvider) providers['clickToCallProvider'] = settings.providers.clickToCallProvider;
  const outbound = settings.outbound || secrets.outbound ? { ...settings.outbound, ...secrets.outbound } : undefined;
  const { outbound: _o, providers: _p, ...rest } = settings;
  return tenantConfigSchema.parse({ tenant, ...rest, authSecret: secrets.authSecret, ...(outbound ? { outbound } : {}), providers });
}

/** Every secret value of a tenant file, for checks that none leaks (the CDK test, logs). */
export function secretValues(secrets: TenantSecrets): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(secrets);
  return out;
}

// ---------------------------------------------------------------------------------------------
// PATCH /settings: a JSON merge patch (RFC 7396) of the settings document.

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A key that could reach an object's prototype, anywhere in `value`; null when there is none. */
export function prototypeKeyIn(value: unknown, path: string[] = []): string | null {
  if (!value || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(k)) return [...path, k].join('.');
    const inner = prototypeKeyIn(v, [...path, k]);
    if (inner) return inner;
  }
  return null;
}

/** RFC 7396: objects merge key by key, `null` removes a key, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base = target && typeof target === 'object' && !Array.isArray(target) ? (target as Record<string, unknown>) : {};
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(base)) out[k] = v;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return { ...out };
}

/** The settings after `patch` (a merge patch): Invalid, naming the fields at fault, unless the result is valid settings. */
export function applySettingsPatch(current: TenantSettings, patch: unknown): TenantSettings {
  const bad = prototypeKeyIn(patch);
  if (bad) throw new Invalid(`the key ${bad} is not allowed`, 'invalid_body');
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Invalid('the body must be a JSON object (a merge patch of the settings)', 'invalid_body');
  const parsed = tenantSettingsSchema.safeParse(mergePatch(current, patch));
  if (!parsed.success) throw new Invalid(parsed.error.issues.map((i) => `${[...i.path, ...('keys' in i ? i.keys : [])].join('.') || '(root)'}: ${i.message}`).join('; '), 'invalid_body');
  return parsed.data;
}

/** Reads a required environment variable at init; a missing one fails the cold start, not a request. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The part of the settings provider adapters apply (pure data). */
export function tenantPolicy(c: Pick<TenantSettings, 'country' | 'blockedNumbers' | 'outboundCallerIds'>): {
  country: string;
  blockedNumbers: string[];
  outboundCallerIds: { prefix: string; callerId: string }[];
} {
  return { country: c.country, blockedNumbers: c.blockedNumbers, outboundCallerIds: c.outboundCallerIds };
}
