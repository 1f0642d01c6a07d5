// Tenant settings (shared/config.ts): the time zone every report and CSV export uses is checked when
// the settings are read (synth, function init), not when the first report in it is asked for.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tenantConfigSchema } from '#shared/config.ts';

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
