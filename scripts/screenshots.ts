// `npm run screenshots`: starts the demo stack with the console, makes a few calls through the Zammad
// webhook (a missed call, a call filed as a ticket, a call ringing now) and writes PNGs of the main
// pages, on a laptop (1280×800) and a phone (390×844), to docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { callIdFor } from '#shared/domain/call-id.ts';
import { projectRoot, startTenant, type LocalInfo } from '../local/start.ts';
import { launchBrowser, LAPTOP, PHONE } from '../test/browser/browser.ts';

const OUT = join(projectRoot, 'docs/screenshots');
const LINE = '+74951234567';

/** One call of the Zammad CTI format: each step a webhook, as the PBX sends them. */
async function pbx(info: LocalInfo, callId: string, from: string, steps: Record<string, unknown>[]): Promise<void> {
  for (const step of steps) {
    const res = await fetch(`${info.webhooks['zammad']}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ direction: 'in', from, to: LINE, callId, ...step }),
    });
    if (!res.ok) throw new Error(`webhook ${String(step['event'])}: ${res.status}`);
  }
}

async function asAgent(info: LocalInfo, method: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${info.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${info.tokens.agents['101']}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 15_000; !(await probe()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`  ${file.slice(projectRoot.length + 1)}`);
}

const { runtime, info } = await startTenant({ httpPort: 0, wsPort: 0, console: { port: 0 }, logLevel: 'ERROR', metricsDisabled: true });
const consoleUrl = `${info.consoleUrl}`;
const browser = await launchBrowser();
try {
  mkdirSync(OUT, { recursive: true });
  const stamp = Date.now().toString(36);
  // A missed call from a known customer (M1: red handset) and an unknown number's call that Anna
  // answered and filed as a ticket during the conversation (T1: pending after the hang-up).
  await pbx(info, `shot-missed-${stamp}`, '+79161234567', [{ event: 'newCall', user: ['Anna Smirnova'] }, { event: 'hangup', cause: 'noAnswer' }]);
  const answered = `shot-answered-${stamp}`;
  await pbx(info, answered, '+79035550142', [{ event: 'newCall', user: ['Anna Smirnova'] }, { event: 'answer', answeringNumber: '101' }]);
  await asAgent(info, 'POST', `/calls/${callIdFor('zammad', answered)}/ticket`, {
    subject: 'Order 1042 arrived damaged',
    summary: 'The parcel came with a broken lid. Agreed to send a replacement; the customer keeps the damaged one.',
  });
  await pbx(info, answered, '+79035550142', [{ event: 'hangup', cause: 'normalClearing' }]);
  await until('both tickets', async () => {
    const res = await fetch(`${info.httpUrl}/tickets`, { headers: { authorization: `Bearer ${info.tokens.admin}` } });
    const { items } = (await res.json()) as { items: { status: string; missed: boolean }[] };
    return items.some((t) => t.missed) && items.some((t) => t.status === 'pending');
  });

  for (const [device, viewport] of [
    ['desktop', LAPTOP],
    ['phone', PHONE],
  ] as const) {
    const page = await browser.newPage(viewport);
    await page.goto(consoleUrl);
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await page.getByRole('button', { name: 'Log in as Anna Smirnova' }).waitFor();
    await shot(page, `login-${device}`);

    await page.getByRole('button', { name: 'Log in as Anna Smirnova' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByRole('link', { name: 'Order 1042 arrived damaged' }).waitFor();
    await shot(page, `tickets-${device}`);

    const ringing = `shot-ringing-${device}-${stamp}`;
    await pbx(info, ringing, '+79161234567', [{ event: 'newCall', user: ['Anna Smirnova'] }]);
    await page.getByRole('dialog').waitFor();
    await shot(page, `popup-${device}`);
    await pbx(info, ringing, '+79161234567', [{ event: 'answer', answeringNumber: '101' }]);
    await page.getByRole('button', { name: 'Create a ticket' }).click();
    await page.getByLabel('Subject').fill('Change of delivery address');
    await page.getByLabel('What was the call about').fill('Moved to a new office; wants the next orders delivered there.');
    await shot(page, `popup-ticket-form-${device}`);
    await page.getByRole('button', { name: 'Save ticket' }).click();
    await page.getByText('Ticket created').waitFor();
    await pbx(info, ringing, '+79161234567', [{ event: 'hangup', cause: 'normalClearing' }]);
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'Order 1042 arrived damaged' }).click();
    await page.getByRole('heading', { level: 1, name: 'Order 1042 arrived damaged' }).waitFor();
    await shot(page, `ticket-${device}`);
    await page.close();
  }
} finally {
  await browser.close();
  await runtime.stop();
}
