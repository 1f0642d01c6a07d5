// Tenant settings: one JSON document per tenant (config/tenants/{tenant}.json or -c tenantConfig=FILE),
// validated here, passed to every function as TENANT_CONFIG and read once at init.
import { z } from 'zod';
import { isTimeZone } from './domain/csv.ts';

export const tenantIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'tenant ids are lowercase letters, digits and dashes');

export const tenantConfigSchema = z.object({
  tenant: tenantIdSchema,
  /** ISO 3166 alpha-2 default country for national numbers (I4). */
  country: z.string().length(2).default('RU'),
  /** Subjects and messages: `en` or `ru`. */
  locale: z.enum(['en', 'ru']).default('en'),
  /** IANA time zone of day buckets, date-only report bounds and CSV times; one the runtime does not know fails synth. */
  timeZone: z
    .string()
    .refine(isTimeZone, { error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as "Europe/Moscow" or "UTC"` })
    .default('UTC'),
  /** HS256 secret that signs agent and admin tokens (at least 32 characters). */
  authSecret: z.string().min(32),
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
    .object({ targetCall: z.object({ minTalkSeconds: z.number().int().nonnegative().default(30) }).prefault({}) })
    .prefault({}),
  /** E.164 numbers whose inbound calls are rejected (Zammad `reject` answer). */
  blockedNumbers: z.array(z.string()).default([]),
  /** Outbound caller-ID rules, first match wins (Zammad `dial` answer). */
  outboundCallerIds: z.array(z.object({ prefix: z.string(), callerId: z.string() })).default([]),
  /** Outbound SMS / email gateways for trigger rules (R2, R3): POSTed JSON signed with `secret` (docs/triggers-rules.md). */
  outbound: z
    .object({
      smsWebhookUrl: z.string().url().optional(),
      emailWebhookUrl: z.string().url().optional(),
      /** HMAC-SHA256 key of the `X-Ringdesk-Signature` header of every outbound request (rule webhooks too). */
      secret: z.string().min(16).optional(),
    })
    .optional(),
  /** Deploy-time operations of the tenant stack (lib/): alarm notifications and API throttling. Not read by functions. */
  operations: z
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
    .prefault({}),
  providers: z
    .object({
      zammad: z.object({ token: z.string().min(16) }).optional(),
      ringdesk: z.object({ secret: z.string().min(16) }).optional(),
      /** Mango Office VPBX: `vpbx_api_key` and the signing salt; `apiUrl` for commands (click-to-call). */
      mango: z.object({ apiKey: z.string().min(1), apiSalt: z.string().min(1), apiUrl: z.string().url().default('https://app.mango-office.ru/vpbx/') }).optional(),
      /** Zadarma (also Novofon/Megacall): the API key/secret pair signs webhooks and API calls. */
      zadarma: z.object({ apiKey: z.string().min(1), apiSecret: z.string().min(1), apiUrl: z.string().url().default('https://api.zadarma.com') }).optional(),
      /** Twilio: auth token signs callbacks over `publicBaseUrl` (the URL Twilio sees, behind proxies). */
      twilio: z
        .object({
          authToken: z.string().min(1),
          accountSid: z.string().optional(),
          publicBaseUrl: z.string().url().optional(),
          apiUrl: z.string().url().default('https://api.twilio.com'),
          /** Number calls are placed from (click-to-call). */
          callerId: z.string().optional(),
        })
        .optional(),
      /** RU cloud-PBX "CRM API" (MegaFon VATS and others): shared `crm_token`. */
      megafon: z.object({ crmToken: z.string().min(1), apiUrl: z.string().url().optional(), apiKey: z.string().optional() }).optional(),
      /** Which provider places click-to-call calls (T7); default: the first configured of mango, zadarma, twilio. */
      clickToCallProvider: z.enum(['mango', 'zadarma', 'twilio']).optional(),
    })
    .passthrough()
    .default({}),
});

export type TenantConfig = z.infer<typeof tenantConfigSchema>;

export function parseTenantConfig(json: string | undefined): TenantConfig {
  if (!json) throw new Error('TENANT_CONFIG is not set');
  return tenantConfigSchema.parse(JSON.parse(json));
}

/** Reads a required environment variable at init; a missing one fails the cold start, not a request. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The part of the settings provider adapters apply (pure data). */
export function tenantPolicy(c: TenantConfig): { country: string; blockedNumbers: string[]; outboundCallerIds: { prefix: string; callerId: string }[] } {
  return { country: c.country, blockedNumbers: c.blockedNumbers, outboundCallerIds: c.outboundCallerIds };
}
