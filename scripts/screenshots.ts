// `npm run screenshots`: starts the demo stack with the console, makes a few calls through the Zammad
// webhook (a missed call, a call filed as a ticket, a call ringing now) and the ringdesk one (answered
// calls with recordings), a callback task and a due reminder, and writes PNGs of the main pages —
// agent and supervisor, the trigger rules with a dry run — on a laptop (1280×800) and a phone (390×844),
// to docs/screenshots/.
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { callIdFor } from '#shared/domain/call-id.ts';
import { projectRoot, startTenant, type LocalInfo } from '../local/start.ts';
import { launchBrowser, LAPTOP, logInAsDemo, PHONE } from '../test/browser/browser.ts';

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

/** An answered call with a recording through the ringdesk webhook (signed with the demo tenant's secret). */
async function recordedCall(info: LocalInfo, raw: string, from: string, extension: string, talkSeconds: number): Promise<void> {
  const start = Date.now() - (talkSeconds + 20) * 1000;
  const at = (s: number) => new Date(start + s * 1000).toISOString();
  const base = { callId: raw, direction: 'inbound', from, to: LINE };
  const events = [
    { ...base, event: 'offered', occurredAt: at(0), agents: [{ extension }] },
    { ...base, event: 'answered', occurredAt: at(8), agent: { extension } },
    { ...base, event: 'ended', occurredAt: at(8 + talkSeconds), endReason: 'caller_hangup' },
    { ...base, event: 'recording_available', occurredAt: at(10 + talkSeconds), recording: { url: `https://rec.example/${raw}.mp3` } },
  ].map((e, i) => ({ ...e, eventId: `${raw}-${i}`, sequence: i }));
  const body = JSON.stringify({ events });
  const signature = `sha256=${createHmac('sha256', 'demo-ringdesk-secret-0123456789').update(body).digest('hex')}`;
  const res = await fetch(`${info.webhooks['ringdesk']}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ringdesk-signature': signature }, body });
  if (!res.ok) throw new Error(`ringdesk webhook: ${res.status}`);
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

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
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
  // Recorded conversations for the call log and the reports, and a callback task for the tasks page.
  await recordedCall(info, `shot-rec1-${stamp}`, '+79035550142', '102', 184);
  await recordedCall(info, `shot-rec2-${stamp}`, '+79267770011', '101', 47);
  await asAgent(info, 'POST', '/tasks', { number: '+79267770011', dueInMinutes: 30, requestId: `shot-task-${stamp}` });
  await until('both tickets', async () => {
    const res = await fetch(`${info.httpUrl}/tickets`, { headers: { authorization: `Bearer ${info.tokens.admin}` } });
    const { items } = (await res.json()) as { items: { status: string; missed: boolean }[] };
    return items.some((t) => t.missed) && items.some((t) => t.status === 'pending');
  });

  // Two trigger rules for the rules page (once per demo stack): one the missed call matches, one it does not.
  const missedCallId = callIdFor('zammad', `shot-missed-${stamp}`);
  const rules = (await (await fetch(`${info.httpUrl}/rules`, { headers: { authorization: `Bearer ${info.tokens.admin}` } })).json()) as { items: { name: string }[] };
  for (const rule of [
    {
      name: 'Missed call from a customer: tell those it rang at',
      event: 'missed_call',
      conditions: { all: [{ customer: 'known' }, { direction: ['inbound'] }] },
      actions: [{ type: 'notify', involved: true, text: 'Missed call from {customer.fullName}' }],
    },
    {
      name: 'Unknown caller outside working hours: call back in the morning',
      event: 'missed_call',
      conditions: { all: [{ customer: 'unknown' }, { not: { workingHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' } } }] },
      actions: [{ type: 'create_task', dueInMinutes: 600 }],
    },
  ]) {
    if (rules.items.some((r) => r.name === rule.name)) continue;
    const res = await fetch(`${info.httpUrl}/rules`, { method: 'POST', headers: { authorization: `Bearer ${info.tokens.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    if (!res.ok) throw new Error(`POST /rules: ${res.status} ${await res.text()}`);
  }

  for (const [device, viewport] of [
    ['desktop', LAPTOP],
    ['phone', PHONE],
  ] as const) {
    const page = await browser.newPage(viewport);
    await page.goto(consoleUrl);
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await page.getByRole('button', { name: 'Fill in the login of Anna Smirnova' }).click();
    await shot(page, `login-${device}`);
    // The same page in Russian, with a wrong password's message.
    await page.getByLabel('Language').selectOption('ru');
    await page.getByLabel('Пароль', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Войти', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await shot(page, `login-ru-${device}`);
    await page.getByLabel('Язык').selectOption('en');
    await page.getByRole('button', { name: 'Fill in the login of Anna Smirnova' }).click();

    await page.getByRole('button', { name: 'Log in', exact: true }).click();
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

    // N6: a callback task, and a reminder falling due while the agent is on the tasks page.
    await page.getByRole('button', { name: 'Call back in 10 minutes' }).click();
    await page.getByText(/^Reminder at /).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await runtime.scheduler.fireDue(new Date(Date.now() + 11 * 60_000));
    await page.getByRole('alert').filter({ hasText: 'Time to call back' }).first().waitFor();
    await page.getByRole('row').getByText('Due', { exact: true }).first().waitFor();
    await shot(page, `tasks-${device}`);
    await page.getByRole('button', { name: 'Log out' }).click();

    // The supervisor pages (C2): the call log with recordings, the reports with their chart.
    await page.getByRole('heading', { name: 'Log in to ringdesk' }).waitFor();
    await logInAsDemo(page, 'Admin');
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.goto(`${consoleUrl}/calls`);
    await page.getByRole('table').getByRole('row').nth(1).waitFor();
    await shot(page, `calls-${device}`);
    await page.goto(`${consoleUrl}/reports`);
    await page.locator('.chart canvas').waitFor();
    await page.waitForTimeout(300); // uPlot draws on the next frame
    await shot(page, `reports-${device}`);
    // Trigger rules with the dry run of the missed call explained (C2, R2).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('heading', { name: 'Trigger rules' }).waitFor();
    await page.getByLabel('Recent call').locator('option').filter({ hasText: '+79161234567' }).first().waitFor({ state: 'attached' });
    await page.getByLabel('Recent call').selectOption(missedCallId);
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.locator('.dry-run').first().waitFor();
    await shot(page, `rules-${device}`, true);
    await page.close();
  }
} finally {
  await browser.close();
  await runtime.stop();
}
