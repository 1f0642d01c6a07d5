// Tenant settings (shared/config.ts): the split into editable settings and secrets, the PATCH
// /settings merge patch and its validation, and the time zone every report and CSV export uses is checked when
// the settings are read (synth, function init), not when the first report in it is asked for.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applySettingsPatch, joinTenantConfig, mergePatch, secretValues, splitTenantConfig, tenantConfigSchema, tenantSecretsSchema, tenantSettingsSchema } from '#shared/config.ts';
import { Invalid } from '#shared/domain/errors.ts';
import { settingsPatchSchema } from '#shared/http/routes/settings.ts';

const base = { tenant: 'demo', authSecret: 'x'.repeat(32) };

describe('tenant settings: timeZone', () => {
  it('defaults to UTC and keeps an IANA zone the runtime knows', () => {
    expect(tenantConfigSchema.parse(base).timeZone).toBe('UTC');
    for (const timeZone of ['Europe/Moscow', 'Asia/Vladivostok', 'America/New_York', 'UTC']) expect(tenantConfigSchema.parse({ ...base, timeZone }).timeZone).toBe(timeZone);
  });

  it('refuses an unknown zone, naming it and saying what to write instead', () => {
    for (const timeZone of ['Mars/Olympus_Mons', 'Moscow', 'GMT+3:00', '']) {
      const parsed = tenantConfigSchema.safeParse({ ...base, timeZone });
      expect(parsed.success, timeZone).toBe(false);
      expect(z.prettifyError(parsed.error!)).toContain(`unknown time zone ${JSON.stringify(timeZone)}: use an IANA name such as "Europe/Moscow"`);
      expect(parsed.error!.issues[0]?.path).toEqual(['timeZone']);
    }
  });
});

const demo = tenantConfigSchema.parse(JSON.parse(readFileSync(new URL('../../config/tenants/demo.json', import.meta.url), 'utf8')));

describe('tenant settings: settings vs secrets', () => {
  it('S7: splits the tenant file into settings (no secret in them) and secrets, and joins them back to the same config', () => {
    const { settings, secrets } = splitTenantConfig(demo);
    const values = secretValues(secrets);
    expect(values).toEqual(expect.arrayContaining([demo.authSecret, 'demo-zammad-token-0123456789', 'demo-mango-salt', 'demo-zadarma-secret', 'demo-twilio-auth-token', 'demo-megafon-crm-token']));
    for (const v of values) expect(JSON.stringify(settings)).not.toContain(v);
    expect(settings).toMatchObject({ country: 'RU', timeZone: 'Europe/Moscow', blockedNumbers: ['+79990000000'], providers: { mango: { apiUrl: 'https://app.mango-office.ru/vpbx/' }, twilio: { accountSid: demo.providers.twilio!.accountSid } } });
    expect(secrets.providers.twilio).toEqual({ authToken: 'demo-twilio-auth-token' });
    expect(joinTenantConfig('demo', settings, secrets)).toEqual(demo);
  });

  it('keeps outbound URLs as settings and the outbound signing key as a secret', () => {
    const config = tenantConfigSchema.parse({ ...base, outbound: { smsWebhookUrl: 'https://sms.example/send', secret: 's'.repeat(20) } });
    const { settings, secrets } = splitTenantConfig(config);
    expect(settings.outbound).toEqual({ smsWebhookUrl: 'https://sms.example/send' });
    expect(secrets.outbound).toEqual({ secret: 's'.repeat(20) });
    expect(joinTenantConfig('demo', settings, secrets).outbound).toEqual({ smsWebhookUrl: 'https://sms.example/send', secret: 's'.repeat(20) });
  });

  it('a provider is configured by its secrets: settings of a provider without them configure nothing', () => {
    const { settings } = splitTenantConfig(demo);
    const joined = joinTenantConfig('demo', settings, { authSecret: demo.authSecret, providers: { zammad: { token: 'z'.repeat(16) } } });
    expect(Object.keys(joined.providers)).toEqual(['zammad']);
  });

  it('every field is either a setting or a secret: the settings schema refuses secrets, the secrets schema refuses settings', () => {
    const { settings, secrets } = splitTenantConfig(demo);
    expect(tenantSettingsSchema.safeParse({ ...settings, authSecret: demo.authSecret }).success).toBe(false);
    expect(tenantSettingsSchema.safeParse({ ...settings, providers: { zammad: { token: 'z'.repeat(16) } } }).success).toBe(false);
    expect(tenantSettingsSchema.safeParse({ ...settings, providers: { mango: { apiKey: 'k' } } }).success).toBe(false);
    expect(tenantSecretsSchema.safeParse({ ...secrets, popupFields: ['fullName'] }).success).toBe(false);
    expect(tenantSecretsSchema.safeParse({ ...secrets, providers: { mango: { apiKey: 'k', apiSalt: 's', apiUrl: 'https://x.example/' } } }).success).toBe(false);
  });
});

describe('tenant settings: PATCH /settings validation', () => {
  const current = splitTenantConfig(demo).settings;

  it('S8: a merge patch: objects merge, null removes (the default applies), arrays replace', () => {
    const next = applySettingsPatch(current, { popupFields: ['fullName', 'phones'], analytics: { targetCall: { minTalkSeconds: 45 } }, blockedNumbers: null, outbound: { smsWebhookUrl: 'https://sms.example/' } });
    expect(next.popupFields).toEqual(['fullName', 'phones']);
    expect(next.analytics.targetCall.minTalkSeconds).toBe(45);
    expect(next.blockedNumbers).toEqual([]);
    expect(next.outbound).toEqual({ smsWebhookUrl: 'https://sms.example/' });
    expect(next.timeZone).toBe('Europe/Moscow');
    expect(current.blockedNumbers).toEqual(['+79990000000']); // the current document is not changed
  });

  it('R3: refuses invalid results, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ popupFields: ['password'] }, 'popupFields.0'],
      [{ locale: 'de' }, 'locale'],
      [{ talkingTimeoutMinutes: 0 }, 'talkingTimeoutMinutes'],
      [{ outboundCallerIds: [{ prefix: '+7' }] }, 'outboundCallerIds.0.callerId'],
      [{ timeZone: 'Moscow' }, 'timeZone'],
      // R3: outbound requests go to https only, never javascript: (http just to localhost stand-ins).
      [{ outbound: { smsWebhookUrl: 'http://sms.example/' } }, 'outbound.smsWebhookUrl'],
      [{ outbound: { emailWebhookUrl: 'javascript:alert(1)' } }, 'outbound.emailWebhookUrl'],
      [{ providers: { mango: { apiUrl: 'file:///etc/passwd' } } }, 'providers.mango.apiUrl'],
      [{ authSecret: 'x'.repeat(40) }, 'authSecret'],
      [{ tenant: 'other' }, 'tenant'],
      [{ providers: { twilio: { authToken: 't' } } }, 'providers.twilio.authToken'],
      [[], 'JSON object'],
      ['text', 'JSON object'],
      [null, 'JSON object'],
    ];
    for (const [patch, mention] of cases) {
      expect(() => applySettingsPatch(current, patch), JSON.stringify(patch)).toThrow(Invalid);
      expect(() => applySettingsPatch(current, patch), JSON.stringify(patch)).toThrow(mention);
    }
  });

  it('S8: refuses prototype-named keys anywhere, before any schema could drop them', () => {
    for (const raw of ['{"__proto__": {"locale": "ru"}}', '{"analytics": {"constructor": {}}}', '{"outbound": {"prototype": "x"}}']) {
      const patch = JSON.parse(raw) as unknown;
      expect(() => applySettingsPatch(current, patch), raw).toThrow(/is not allowed/);
      expect(settingsPatchSchema.safeParse(patch).success, raw).toBe(false);
    }
    expect(({} as Record<string, unknown>)['locale']).toBeUndefined();
    expect(mergePatch({ a: 1 }, JSON.parse('{"b": {"c": 2}}'))).toEqual({ a: 1, b: { c: 2 } });
  });
});
