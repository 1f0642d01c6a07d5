// Tenant settings without a redeploy: admins read and change them through GET/PATCH /settings
// (versioned, validated, nothing stored on bad input), and the next webhook and the next pop-up
// follow the change while the same functions keep running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import { callIdValue, openAgent, postZammad, randomNumber, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const LINE = '+74951234567';
type Stored = { version: number; updatedAt: string | null; settings: { popupFields: string[]; blockedNumbers: string[]; locale: string } };

async function getSettings(token = h.info.tokens.admin): Promise<{ status: number; etag: string | null; body: Stored }> {
  const res = await fetch(`${h.info.httpUrl}/settings`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, etag: res.headers.get('etag'), body: (await res.json()) as Stored };
}

async function patchSettings(body: string | object, ifMatch?: string): Promise<{ status: number; etag: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${h.info.httpUrl}/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${h.info.tokens.admin}`, 'content-type': 'application/json', ...(ifMatch !== undefined ? { 'if-match': ifMatch } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, etag: res.headers.get('etag'), body: (await res.json()) as Record<string, unknown> };
}

describe('GET/PATCH /settings', () => {
  it('S8: the tenant file seeds version 0; agents may not read them', async () => {
    const { status, etag, body } = await getSettings();
    expect(status).toBe(200);
    expect(etag).toBe('"0"');
    expect(body).toMatchObject({ version: 0, updatedAt: null, settings: { popupFields: ['fullName', 'email', 'company'], blockedNumbers: ['+79990000000'], locale: 'en' } });
    // Secrets are not settings: nothing of the secret is in the document.
    expect(JSON.stringify(body)).not.toContain('authSecret');
    expect(JSON.stringify(body)).not.toContain('demo-zammad-token');
    expect((await getSettings(h.info.tokens.agents['101']!)).status).toBe(403);
  });

  it('S8: refuses a change without If-Match (428), bad input and prototype-named keys (400), and stores nothing', async () => {
    expect((await patchSettings({ locale: 'ru' })).status).toBe(428);
    const bad: [string | object, string][] = [
      [{ popupFields: ['password'] }, 'popupFields'],
      [{ blockedNumbers: 'all' }, 'blockedNumbers'],
      [{ ringingTimeoutMinutes: -1 }, 'ringingTimeoutMinutes'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ authSecret: 'x'.repeat(40) }, 'authSecret'],
      [{ providers: { zammad: { token: 'y'.repeat(20) } } }, 'zammad'],
      ['{"__proto__": {"locale": "ru"}}', '__proto__'],
      ['{"analytics": {"constructor": {"prototype": 1}}}', 'constructor'],
      ['[1, 2]', 'object'],
      ['not json', 'JSON'],
    ];
    for (const [body, mention] of bad) {
      const res = await patchSettings(body, '"0"');
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(String(res.body['message']), JSON.stringify(body)).toContain(mention);
    }
    expect((await patchSettings({ locale: 'ru' }, 'three')).status).toBe(400);
    const after = await getSettings();
    expect(after.body.version).toBe(0);
    expect(after.body.settings.locale).toBe('en');
  });

  it('S8: a change applies on the next webhook and the next pop-up, without a restart; a stale version gets 409', async () => {
    const blocked = randomNumber();
    const ingest = [...h.runtime.functions.values()].find((f) => f.model.shortName === 'ingest-webhook')!;
    const before = ingest.stats.coldStarts;

    // Before: Ivan's pop-up shows the seeded fields, and the new number is not blocked yet.
    const anna = await openAgent(h.info, h.info.tokens.agents['101']!);
    const first = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from: '+79161234567', to: LINE, callId: first, user: ['Anna Smirnova'] });
    const popup1 = await anna.next('incoming_call', (m) => (m['call'] as Call).id === callIdFor('zammad', first));
    expect(Object.keys(popup1['customer'] as object).sort()).toEqual(['company', 'email', 'fullName', 'id']);
    const open = await postZammad(h.info, { event: 'newCall', direction: 'in', from: blocked, to: LINE, callId: callIdValue(), user: ['Anna Smirnova'] });
    expect(await open.json()).not.toEqual({ action: 'reject', reason: 'busy' });

    const changed = await patchSettings({ popupFields: ['fullName', 'phones'], blockedNumbers: ['+79990000000', blocked] }, '"0"');
    expect(changed.status).toBe(200);
    expect(changed.etag).toBe('"1"');
    expect(changed.body).toMatchObject({ version: 1, settings: { popupFields: ['fullName', 'phones'], blockedNumbers: ['+79990000000', blocked], locale: 'en' } });
    expect(typeof changed.body['updatedAt']).toBe('string');

    // Another admin still holding version 0 cannot overwrite it.
    const stale = await patchSettings({ popupFields: ['email'] }, '"0"');
    expect(stale.status).toBe(409);
    expect(stale.body['error']).toBe('version_conflict');

    // After: the next pop-up has the new fields, the next webhook from the number is rejected (I5).
    const second = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from: '+79161234567', to: LINE, callId: second, user: ['Anna Smirnova'] });
    const popup2 = await anna.next('incoming_call', (m) => (m['call'] as Call).id === callIdFor('zammad', second));
    expect(popup2['customer']).toEqual({ id: 'cus-ivan-petrov', fullName: 'Ivan Petrov', phones: ['+79161234567'] });
    const rejected = await postZammad(h.info, { event: 'newCall', direction: 'in', from: blocked, to: LINE, callId: callIdValue(), user: ['Anna Smirnova'] });
    expect(await rejected.json()).toEqual({ action: 'reject', reason: 'busy' });

    // `null` removes a key (merge patch): the list falls back to its default.
    const reset = await patchSettings({ popupFields: null }, changed.etag!);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ version: 2, settings: { popupFields: ['fullName', 'email', 'company'] } });

    await anna.close();
    // The same warm sandboxes served it: no new container was needed to see the change.
    expect(ingest.stats.coldStarts).toBe(before);
  });
});
