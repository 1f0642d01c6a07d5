// The agent console in Debian's chromium against the whole local stack: PBX webhooks go to the local
// runtime, the test clicks like an agent and asserts what is on the screen (controls by role and label).
// Pop-ups, tickets, tasks and reminders for agents; the call log, CSV and reports for supervisors.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDisableUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleInitialSize } from '../../local/console-build.ts';
import { cognitoClient, ensureLogin, LOCAL_PASSWORD, signIn } from '../../local/logins.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { api, callIdValue, postZammad, randomNumber, ringdeskCall, useHarness, waitFor } from '../system/harness.ts';
import { launchBrowser, LAPTOP, logInAsDemo, logInWith, PHONE, type Browser } from './browser.ts';

const LINE = '+74951234567';
const IVAN = { number: '+79161234567', name: 'Ivan Petrov', company: 'Romashka LLC' };

// Click-to-call (T7) goes to a stand-in of Mango's API started here: the demo tenant's settings with
// `providers.mango.apiUrl` pointed at it.
const pbxCommands: { url: string; body: string }[] = [];
const fakeMango = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    pbxCommands.push({ url: req.url ?? '', body });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 1000 }));
  });
});
const h = useHarness(async () => {
  await new Promise<void>((r) => fakeMango.listen(0, '127.0.0.1', r));
  const { port } = fakeMango.address() as AddressInfo;
  const settings = JSON.parse(readFileSync(new URL('../../config/tenants/demo.json', import.meta.url), 'utf8')) as { providers: { mango: Record<string, string> } };
  settings.providers.mango['apiUrl'] = `http://127.0.0.1:${port}/vpbx/`;
  const tenantConfigFile = join(mkdtempSync(join(tmpdir(), 'ringdesk-console-tenant-')), 'demo.json');
  writeFileSync(tenantConfigFile, JSON.stringify(settings));
  return { console: true, tenantConfigFile };
});
afterAll(() => new Promise<void>((r) => fakeMango.close(() => r())));
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A fresh page logged in with a demo login's email and password, once the live connection is up. */
async function logIn(name: string, viewport = LAPTOP): Promise<Page> {
  const page = await browser.newPage(viewport);
  page.setDefaultTimeout(15_000);
  await page.goto(h.info.consoleUrl!);
  await page.evaluate('localStorage.clear()'); // the profile is shared by the pages of this file
  await page.reload();
  await logInAsDemo(page, name);
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  return page;
}

const popupOf = (page: Page, number: string) => page.getByRole('dialog').filter({ hasText: number });

async function ring(number: string, users: string[]): Promise<string> {
  const callId = callIdValue();
  expect((await postZammad(h.info, { event: 'newCall', direction: 'in', from: number, to: LINE, callId, user: users })).status).toBe(200);
  return callId;
}
async function answer(number: string, callId: string, extension: string): Promise<void> {
  expect((await postZammad(h.info, { event: 'answer', direction: 'in', from: number, to: LINE, callId, answeringNumber: extension })).status).toBe(200);
}
async function hangUp(number: string, callId: string, cause: 'normalClearing' | 'noAnswer'): Promise<void> {
  expect((await postZammad(h.info, { event: 'hangup', direction: 'in', from: number, to: LINE, callId, cause })).status).toBe(200);
}

describe('agent console: calls', () => {
  it('N1, N3, M1: the pop-up shows the caller and the customer card on newCall, collapses on hang-up; the missed call is a red handset', async () => {
    const page = await logIn('Anna Smirnova');
    const callId = await ring(IVAN.number, ['Anna Smirnova']);
    const popup = popupOf(page, IVAN.number);
    await popup.waitFor();
    expect(await popup.getByRole('heading', { name: 'Incoming call' }).isVisible()).toBe(true);
    expect(await popup.getByText(IVAN.name).isVisible()).toBe(true);
    expect(await popup.getByText(IVAN.company).isVisible()).toBe(true);
    expect(await popup.getByText('Ringing').isVisible()).toBe(true);

    await hangUp(IVAN.number, callId, 'noAnswer');
    await popup.waitFor({ state: 'detached' });
    // M1: the missed call's ticket, red handset, open (pushed to those it rang at; Refresh works too).
    const row = page.getByRole('row').filter({ hasText: IVAN.number }).filter({ has: page.getByRole('img', { name: 'Missed call' }) });
    await waitFor('the missed-call ticket in the list', async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(300);
      return (await row.count()) > 0;
    });
    expect(await row.first().getByText('Open').isVisible()).toBe(true);
    await page.close();
  });

  it('N3: answered by a colleague, the pop-up collapses', async () => {
    const page = await logIn('Anna Smirnova');
    const number = randomNumber();
    const callId = await ring(number, ['Anna Smirnova', 'Boris Ivanov']);
    await popupOf(page, number).waitFor();
    await answer(number, callId, '102');
    await popupOf(page, number).waitFor({ state: 'detached' });
    await hangUp(number, callId, 'normalClearing');
    await page.close();
  });

  it('N2, T6: an unknown caller is found among the customers and linked; the number joins the customer', async () => {
    const name = `Olga Linkova ${Date.now()}`;
    const created = await fetch(`${h.info.httpUrl}/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.info.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fullName: name, company: 'Vasilek JSC' }),
    });
    expect(created.status).toBe(201);
    const customer = (await created.json()) as { id: string };

    const page = await logIn('Anna Smirnova');
    const number = randomNumber();
    const callId = await ring(number, ['Anna Smirnova']);
    const popup = popupOf(page, number);
    await popup.getByText('Unknown number').waitFor();
    await answer(number, callId, '101');
    await popup.getByText('In conversation').waitFor();

    await popup.getByRole('button', { name: 'Find a customer to link' }).click();
    await popup.getByLabel('Search customers').fill(name.split(' ').slice(0, 2).join(' '));
    await popup.getByRole('button', { name: 'Search', exact: true }).click();
    await popup.getByRole('button', { name: `Link ${name}` }).click();
    await popup.getByText('Unknown number').waitFor({ state: 'detached' });
    expect(await popup.getByRole('definition').filter({ hasText: name }).isVisible()).toBe(true);
    expect(await popup.getByRole('definition').filter({ hasText: 'Vasilek JSC' }).isVisible()).toBe(true);
    const linked = await api<{ phones: string[] }>(h.info, `/customers/${customer.id}`);
    expect(linked.body.phones).toContain(number);

    // The agent worked in the pop-up: it stays after the call, marked ended, until closed.
    await hangUp(number, callId, 'normalClearing');
    await popup.getByText('Call ended').waitFor();
    await popup.getByRole('button', { name: 'Close' }).click();
    await popup.waitFor({ state: 'detached' });
    await page.close();
  });

  it('T1: a ticket created during the call is pending after hang-up, in the list and on its page', async () => {
    const page = await logIn('Anna Smirnova');
    const number = randomNumber();
    const subject = `Delivery question ${Date.now()}`;
    const callId = await ring(number, ['Anna Smirnova']);
    const popup = popupOf(page, number);
    await popup.waitFor();
    await answer(number, callId, '101');
    await popup.getByRole('button', { name: 'Create a ticket' }).click();
    await popup.getByLabel('Subject').fill(subject);
    await popup.getByLabel('What was the call about').fill('Asked when the order arrives');
    await popup.getByRole('button', { name: 'Save ticket' }).click();
    await popup.getByText('Ticket created').waitFor();

    await hangUp(number, callId, 'normalClearing');
    await popup.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: subject });
    await row.getByText('Pending').waitFor();
    expect(await row.getByText(number).isVisible()).toBe(true);

    await row.getByRole('link', { name: subject }).click();
    await page.getByRole('heading', { level: 1, name: subject }).waitFor();
    expect(await page.getByText('Asked when the order arrives').isVisible()).toBe(true);
    await page.getByLabel('Status').selectOption('closed');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.locator('.ticket-head').getByText('Closed').waitFor();
    const ticket = await waitFor('the closed ticket', async () => {
      const list = await api<{ items: { subject: string; status: string }[] }>(h.info, '/tickets?status=closed&limit=200');
      return list.body.items.find((t) => t.subject === subject);
    });
    expect(ticket.status).toBe('closed');
    await page.close();
  });
});

describe('agent console: login through Cognito', () => {
  const cognito = () => cognitoClient(h.info.cognito);
  const loginPage = async (viewport = LAPTOP): Promise<Page> => {
    const page = await browser.newPage(viewport);
    page.setDefaultTimeout(15_000);
    await page.goto(h.info.consoleUrl!);
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await page.getByRole('heading', { name: 'Log in to ringdesk' }).waitFor();
    return page;
  };
  /** A made-up agent with the local password: sign-outs and deactivations here touch no other test's login. */
  const newAgent = async (label: string) => {
    const email = `${label}-${randomUUID().slice(0, 8)}@demo.test`;
    const login = { email, password: LOCAL_PASSWORD, role: 'agent' as const, name: `Test ${label}`, employeeId: `emp-${label}-${randomUUID().slice(0, 8)}` };
    const client = cognito();
    await ensureLogin(client, h.info.cognito.userPoolId, login);
    client.destroy();
    return login;
  };
  const storedRefreshToken = async (page: Page) => (await page.evaluate("localStorage.getItem('ringdesk.refreshToken')")) as string | null;

  it('S6: an agent logs in with email and password, and a reload keeps them logged in; a wrong password says so in English and Russian', async () => {
    const page = await loginPage();
    const config = await (await fetch(`${h.info.consoleUrl}/config.json`)).text();
    expect(config).not.toContain(h.info.tokens.admin);
    await logInWith(page, 'anna@demo.example', 'Not-the-password-1');
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('alert').filter({ hasText: 'Неверная почта или пароль.' }).waitFor();
    await page.getByLabel('Язык').selectOption('en');

    await logInWith(page, 'anna@demo.example', LOCAL_PASSWORD);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('Anna Smirnova');
    // Only the refresh token is stored; the id token lives in memory and a reload gets a new one.
    expect(await storedRefreshToken(page)).toBeTruthy();
    const stored = (await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })')) as string;
    expect(stored).not.toMatch(/eyJ[\w-]+\.eyJ/);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.close();
  });

  it('S6: an employee invited with a temporary password logs in with it, is asked for a new one, sets it and lands in the console', async () => {
    const email = `invited-${randomUUID().slice(0, 8)}@demo.test`;
    const client = cognito();
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: h.info.cognito.userPoolId,
        Username: email,
        TemporaryPassword: 'Temporary-pass-2026',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'name', Value: 'Vera Invited' },
          { Name: 'custom:employeeId', Value: `emp-invited-${randomUUID().slice(0, 8)}` },
        ],
      }),
    );
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: h.info.cognito.userPoolId, Username: email, GroupName: 'agent' }));

    const page = await loginPage();
    await logInWith(page, email, 'Temporary-pass-2026');
    await page.getByRole('heading', { name: 'Set your password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('Vera-own-password-1');
    await page.getByLabel('Repeat the new password').fill('Vera-own-password-2');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The two passwords differ.' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('weakpassword1');
    await page.getByLabel('Repeat the new password').fill('weakpassword1');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This password is too weak' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('Vera-own-password-1');
    await page.getByLabel('Repeat the new password').fill('Vera-own-password-1');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('Vera Invited');

    // The new password is the one now: it signs in, the temporary one no longer does.
    expect((await signIn(client, h.info.cognito.clientId, email, 'Vera-own-password-1')).idToken).toBeTruthy();
    await expect(signIn(client, h.info.cognito.clientId, email, 'Temporary-pass-2026')).rejects.toThrow('Incorrect username or password.');
    client.destroy();
    await page.close();
  });

  it('S6: "Log out" signs out everywhere (the refresh token is revoked) and returns to the login page', async () => {
    const agent = await newAgent('logout');
    const page = await loginPage();
    await logInWith(page, agent.email, agent.password);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    const refreshToken = await storedRefreshToken(page);
    expect(refreshToken).toBeTruthy();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to ringdesk' }).waitFor();
    expect(await storedRefreshToken(page)).toBeNull();
    const client = cognito();
    await waitFor('the refresh token revoked', () =>
      client
        .send(new InitiateAuthCommand({ ClientId: h.info.cognito.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken! } }))
        .then(
          () => false,
          (err: Error) => err.message === 'Refresh Token has been revoked',
        ),
    );
    client.destroy();
    await page.reload();
    await page.getByRole('heading', { name: 'Log in to ringdesk' }).waitFor();
    await page.close();
  });

  it('S6: before the id token expires the console refreshes it; a deactivated agent\'s refresh fails and they are sent to the login page with a message', async () => {
    const agent = await newAgent('deactivated');
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    // The page's clock, so that the hour of the id token passes in a moment.
    await page.clock.install();
    await page.goto(h.info.consoleUrl!);
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await logInWith(page, agent.email, agent.password);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    const refreshes: string[] = [];
    page.on('request', (req) => {
      if (req.headers()['x-amz-target']?.endsWith('.InitiateAuth') && req.postData()?.includes('REFRESH_TOKEN_AUTH')) refreshes.push(req.url());
    });

    // 56 minutes on: the refresh five minutes before expiry succeeds and the agent stays.
    await page.clock.fastForward('56:00');
    await waitFor('the first refresh', async () => refreshes.length === 1);
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Log in to ringdesk' }).count()).toBe(0);

    const client = cognito();
    await client.send(new AdminDisableUserCommand({ UserPoolId: h.info.cognito.userPoolId, Username: agent.email }));
    client.destroy();
    await page.clock.fastForward('56:00');
    await page.getByRole('heading', { name: 'Log in to ringdesk' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'You were logged out: this account has been deactivated.' }).waitFor();
    expect(refreshes).toHaveLength(2);
    expect(await storedRefreshToken(page)).toBeNull();
    await page.close();
  });

  it('S6: a 401 from the API refreshes the id token once and the request is retried', async () => {
    const agent = await newAgent('expired');
    const page = await loginPage();
    let refused = 0;
    // Fault injection: the first GET /tickets answers 401, as an expired token would.
    await page.route(`${h.info.httpUrl}/tickets**`, async (route) => {
      if (refused++ === 0) return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: 'unauthorized', message: 'Unauthorized' }) });
      return route.continue();
    });
    const refreshes: string[] = [];
    page.on('request', (req) => {
      if (req.postData()?.includes('REFRESH_TOKEN_AUTH')) refreshes.push(req.url());
    });
    await logInWith(page, agent.email, agent.password);
    await page.getByRole('table').or(page.getByText('No tickets.')).first().waitFor();
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(refreshes).toHaveLength(1);
    await page.close();
  });
});

describe('agent console: access, languages, screens', () => {
  it('C1: what a first visit loads (entry JS and CSS) stays within the 150 KB gzipped budget', () => {
    const size = consoleInitialSize();
    console.info(`console initial bundle: ${size.js} B JS + ${size.css} B CSS gzipped = ${size.total} B`);
    expect(size.js).toBeGreaterThan(0);
    expect(size.total).toBeLessThanOrEqual(150 * 1024);
  });

  it('C2: an agent sees no admin pages in the navigation, and a direct URL says not allowed; an admin sees them', async () => {
    const page = await logIn('Anna Smirnova');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Tickets' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Employees' }).count()).toBe(0);
    await page.goto(`${h.info.consoleUrl}/employees`);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    await page.close();

    const admin = await logIn('Admin');
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Employees' }).click();
    await admin.getByRole('cell', { name: 'Anna Smirnova' }).waitFor();
    await admin.close();
  });

  it("C4: the tenant's language is the default; the header switches to Russian and back", async () => {
    const page = await logIn('Anna Smirnova');
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('heading', { name: 'Обращения' }).waitFor();
    expect(await page.getByRole('button', { name: 'Выйти' }).isVisible()).toBe(true);
    expect(await page.evaluate('document.documentElement.lang')).toBe('ru');
    await page.getByLabel('Язык').selectOption('en');
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.close();
  });

  for (const [label, viewport] of [
    ['1280×800', LAPTOP],
    ['390×844', PHONE],
  ] as const) {
    it(`C4: at ${label} the console has no horizontal scroll and the pop-up is in view`, async () => {
      const page = await logIn('Anna Smirnova', viewport);
      await page.getByRole('table').or(page.getByText('No tickets.')).first().waitFor();
      const number = randomNumber();
      const callId = await ring(number, ['Anna Smirnova']);
      const popup = popupOf(page, number);
      await popup.waitFor();
      const box = (await popup.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBe(0);
      await hangUp(number, callId, 'noAnswer');
      await popup.waitFor({ state: 'detached' });
      await page.close();
    });
  }
});

const CALL_LOG_HEADER =
  'call_id,started_at,ended_at,direction,outcome,from,to,line,customer_number,customer_id,employees,employee_names,answered_by,answered_by_name,wait_seconds,talk_seconds,recording_url,provider';

/** A call through the ringdesk webhook: it carries recordings, which Zammad's does not. */
const call = (direction: 'inbound' | 'outbound', customer: string) => ringdeskCall(h.info, direction, customer, LINE);
const anna = () => h.info.tokens.agents['101']!;

async function send(method: string, path: string, body: unknown, token = anna()): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.info.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('agent console: missed calls and tasks', () => {
  it('M1, M2, M3: a missed call appears in the list as a red handset without a refresh; a callback with a recording turns it green', async () => {
    const page = await logIn('Anna Smirnova');
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    const number = randomNumber();
    const missed = call('inbound', number);
    await missed.ring('101');
    await missed.end('no_answer_timeout');
    const row = page.getByRole('row').filter({ hasText: number });
    await row.getByRole('img', { name: 'Missed call', exact: true }).waitFor();
    const ticket = await waitFor('the missed-call ticket', async () => (await api<{ items: Ticket[] }>(h.info, '/tickets?limit=200')).body.items.find((t) => t.callIds.includes(missed.id)));

    await row.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: ticket.subject }).getByRole('img', { name: 'Missed call', exact: true }).waitFor();
    // The agent calls the customer back and files the call into the missed-call ticket; the recording arrives after the call.
    const back = call('outbound', number);
    await back.dial('101');
    await back.answer();
    expect((await send('POST', `/calls/${back.id}/link`, { ticketId: ticket.id, summary: 'Called back' })).status).toBe(200);
    await back.end();
    await back.record('https://rec.example/m3-browser.mp3');
    await page.getByRole('heading', { level: 1 }).getByRole('img', { name: 'Missed call, called back' }).waitFor();
    await page.locator('.message').filter({ hasText: 'Called back' }).getByLabel('Recording').waitFor();

    await page.getByRole('link', { name: 'All tickets' }).click();
    await page.getByRole('row').filter({ hasText: number }).getByRole('img', { name: 'Missed call, called back' }).waitFor();
    await page.close();
  });

  it("T2: during the call the agent adds it to one of the caller's earlier tickets from the pop-up", async () => {
    const page = await logIn('Anna Smirnova');
    const number = randomNumber();
    const missed = call('inbound', number);
    await missed.ring('101');
    await missed.end('no_answer_timeout');
    const earlier = await waitFor('the earlier ticket', async () => (await api<{ items: Ticket[] }>(h.info, '/tickets?limit=200')).body.items.find((t) => t.callIds.includes(missed.id)));

    const again = call('inbound', number);
    await again.ring('101');
    const popup = popupOf(page, number);
    await popup.waitFor();
    await again.answer('101');
    await popup.getByText('In conversation').waitFor();
    await popup.getByRole('button', { name: 'Add to an earlier ticket' }).click();
    await popup.getByRole('button', { name: `Add to ${earlier.subject}` }).click();
    await popup.getByText('Call added to the ticket').waitFor();
    await again.end();
    await popup.waitFor({ state: 'detached' });
    await waitFor('the call in the earlier ticket', async () => (await api<Ticket>(h.info, `/tickets/${earlier.id}`)).body.callIds.includes(again.id));
    await page.close();
  });

  it('N6: "call back in 10 min" from a ticket makes a task; when it falls due the reminder appears and the task is due', async () => {
    const page = await logIn('Anna Smirnova');
    const number = randomNumber();
    const missed = call('inbound', number);
    await missed.ring('101');
    await missed.end('no_answer_timeout');
    const row = page.getByRole('row').filter({ hasText: number });
    await row.getByRole('link').click();
    await page.getByRole('button', { name: 'Call back in 10 minutes' }).click();
    await page.getByText(/^Reminder at /).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    const task = page.getByRole('row').filter({ hasText: number });
    await task.getByText('Scheduled').waitFor();
    expect(await page.getByRole('alert').filter({ hasText: number }).count()).toBe(0);

    // Eleven minutes later on the scheduler's clock: the schedule fires and task_due is pushed.
    await h.runtime.scheduler.fireDue(new Date(Date.now() + 11 * 60_000));
    const reminder = page.getByRole('alert').filter({ hasText: `Time to call back ${number}` });
    await reminder.waitFor();
    await task.getByText('Due', { exact: true }).waitFor();
    await reminder.getByRole('button', { name: 'Dismiss' }).click();
    await reminder.waitFor({ state: 'detached' });
    await page.close();
  });
});

describe('supervisor console', () => {
  it('C2: an agent sees neither the call log nor the reports in the navigation, and their URLs say not allowed', async () => {
    const page = await logIn('Anna Smirnova');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Tasks' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Call log' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    for (const path of ['/calls', '/reports']) {
      await page.goto(`${h.info.consoleUrl}${path}`);
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
      expect(await page.getByRole('table').count()).toBe(0);
    }
    await page.close();
  });

  it('L1, L4: the call log filters by number, shows the recording, and "Download CSV" downloads the filtered log', async () => {
    const number = randomNumber();
    const c = call('inbound', number);
    await c.ring('102');
    await c.answer('102');
    await c.end();
    await c.record('https://rec.example/l1-browser.mp3');
    await waitFor('the call with its recording in the log', async () => (await api<{ items: { id: string; recordingUrl: string | null }[] }>(h.info, `/calls?number=${encodeURIComponent(number)}`)).body.items.find((x) => x.id === c.id && x.recordingUrl));

    const page = await logIn('Admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Call log' }).click();
    await page.getByRole('heading', { name: 'Call log' }).waitFor();
    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('Customer number').fill(number);
    await filters.getByRole('button', { name: 'Apply' }).click();
    const rows = page.getByRole('table').getByRole('row');
    await rows.filter({ hasText: number }).first().waitFor();
    await waitFor('only the filtered call', async () => (await rows.count()) === 2); // header + one call
    const row = rows.filter({ hasText: number });
    expect(await row.getByText('Answered').isVisible()).toBe(true);
    expect(await row.getByText('Boris Ivanov').isVisible()).toBe(true);
    expect(await row.getByLabel('Recording').getAttribute('src')).toBe('https://rec.example/l1-browser.mp3');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^calls-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    expect(header).toBe(CALL_LOG_HEADER);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(c.id);
    await page.close();
  });

  it('L2, L3: the reports page draws a chart and its tiles equal GET /reports/calls for the same range; grouping by employee lists them', async () => {
    const page = await logIn('Admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    const chart = page.getByRole('figure', { name: 'Calls over time' }).locator('canvas');
    await chart.waitFor();
    expect(await chart.isVisible()).toBe(true);
    const from = await page.getByLabel('From', { exact: true }).inputValue();
    const to = await page.getByLabel('To', { exact: true }).inputValue();
    const report = await api<{ totals: Record<string, number> }>(h.info, `/reports/calls?from=${from}&to=${to}&granularity=day`);
    expect(report.status).toBe(200);
    expect(report.body.totals['total']).toBeGreaterThan(0);
    const tiles = page.getByRole('list', { name: 'Call totals' });
    for (const [metric, label] of [
      ['total', 'Calls'],
      ['answered', 'Answered'],
      ['missed', 'Missed'],
      ['outgoing', 'Outgoing'],
    ] as const) {
      expect(await tiles.getByRole('listitem').filter({ hasText: label }).first().locator(`[data-metric="${metric}"]`).textContent(), metric).toBe(String(report.body.totals[metric]));
    }
    await page.getByLabel('Group by').selectOption('employee');
    await page.getByRole('table', { name: 'Employee' }).getByRole('rowheader', { name: 'Anna Smirnova' }).waitFor();
    await page.close();
  });
});

describe('supervisor console: customers', () => {
  it('C2: a supervisor creates a customer, finds it by a number and edits it', async () => {
    const page = await logIn('Admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    const name = `Pavel Orlov ${Date.now()}`;
    const number = randomNumber();
    await page.getByRole('button', { name: 'New customer' }).click();
    const form = page.getByRole('form', { name: 'New customer' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Phones').fill(number);
    await form.getByRole('button', { name: 'Save customer' }).click();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    expect(await row.getByText(number).isVisible()).toBe(true);

    await page.getByLabel('Search customers').fill(number.slice(-7));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await row.getByRole('button', { name: `Edit ${name}` }).click();
    const edit = page.getByRole('form', { name: `Edit ${name}` });
    await edit.getByLabel('Company').fill('Lotos Ltd');
    await edit.getByRole('button', { name: 'Save customer' }).click();
    await row.getByText('Lotos Ltd').waitFor();
    // C1: from the customer to their tickets (none yet).
    await row.getByRole('link', { name: "This customer's tickets" }).click();
    await page.getByText(`Customer: ${name}`).waitFor();
    await page.getByText('No tickets.').waitFor();
    await page.close();
  });
});

describe('agent console: reconnect', () => {
  it('C3, N1, N3: a call that rang while the WebSocket was down gets its pop-up on reconnect (GET /me/calls); one that ended meanwhile collapses', async () => {
    // The page's WebSocket goes through the test: passed to the gateway, or refused while `down`.
    let intercept = true;
    let down = false;
    const open: WebSocketRoute[] = [];
    await browser.context.routeWebSocket(
      () => intercept,
      (ws) => {
        if (down) return ws.close({ code: 1001, reason: 'offline' });
        open.push(ws, ws.connectToServer());
      },
    );
    const drop = async () => {
      down = true;
      for (const ws of open.splice(0)) await ws.close({ code: 1001, reason: 'offline' });
    };
    const myCalls = async (token = anna()) => (await api<{ items: { call: { id: string } }[] }>(h.info, '/me/calls', token)).body.items.map((m) => m.call.id);
    try {
      const page = await logIn('Anna Smirnova');
      expect(open.length).toBeGreaterThan(0);
      await drop();
      const number = randomNumber();
      const missed = call('inbound', number);
      await missed.ring('101');
      await waitFor('the ringing call among my calls', async () => (await myCalls()).includes(missed.id));
      expect(await myCalls(h.info.tokens.agents['102']!)).not.toContain(missed.id);
      await page.waitForTimeout(500); // the push went nowhere: no pop-up while down
      expect(await popupOf(page, number).count()).toBe(0);

      down = false;
      const popup = popupOf(page, number);
      await popup.waitFor();
      expect(await popup.getByText('Ringing').isVisible()).toBe(true);

      await drop();
      await missed.end('no_answer_timeout');
      await waitFor('the call gone from my calls', async () => !(await myCalls()).includes(missed.id));
      expect(await popup.count()).toBe(1);
      down = false;
      await popup.waitFor({ state: 'detached' });
      await page.close();
    } finally {
      intercept = false;
      down = false;
    }
  });
});

describe('supervisor console: trigger rules', () => {
  it('C2, R2: an admin sees the rules and the dry run for a call explained per rule: matched or not, every condition, the actions that would run; an agent does not see the page', async () => {
    const rule = async (name: string, conditions: unknown) => {
      const r = await send('POST', '/rules', { name, event: 'call_ended', conditions, actions: [{ type: 'notify', accessLevels: ['admin'], text: 'dry run only' }] }, h.info.tokens.admin);
      expect(r.status).toBe(201);
      return (r.body as { id: string }).id;
    };
    const suffix = Date.now();
    const matching = `Unknown inbound caller ${suffix}`;
    const failing = `Known customer only ${suffix}`;
    const ids = [await rule(matching, { all: [{ direction: ['inbound'] }, { not: { customer: 'known' } }] }), await rule(failing, { customer: 'known' })];
    const number = randomNumber();
    const c = call('inbound', number);
    await c.ring('101');
    await c.end('no_answer_timeout');
    await waitFor('the call in the log', async () => (await api<{ items: { id: string }[] }>(h.info, '/calls?limit=20')).body.items.some((x) => x.id === c.id));
    try {
      const agent = await logIn('Anna Smirnova');
      expect(await agent.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).count()).toBe(0);
      await agent.goto(`${h.info.consoleUrl}/rules`);
      await agent.getByRole('heading', { name: 'Not allowed' }).waitFor();
      await agent.close();

      const page = await logIn('Admin');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
      await page.getByRole('heading', { name: 'Trigger rules' }).waitFor();
      await page.getByRole('row').filter({ hasText: matching }).getByText('Call ended').waitFor();
      const picker = page.getByLabel('Recent call');
      const option = picker.locator('option').filter({ hasText: number });
      await option.waitFor({ state: 'attached' });
      await picker.selectOption(c.id);
      expect(await page.getByLabel('Call id').inputValue()).toBe(c.id);
      await page.getByRole('button', { name: 'Explain' }).click();

      const results = page.getByRole('list', { name: `Rules for call ${c.id}` });
      const yes = results.getByRole('listitem', { name: matching });
      await yes.waitFor();
      expect(await yes.getByText('Matches', { exact: true }).isVisible()).toBe(true);
      const conditions = yes.getByRole('list', { name: 'Conditions' }).getByRole('listitem');
      expect(await conditions.allInnerTexts()).toEqual([
        expect.stringMatching(/^✓\s*All of these\s*held\s*2 of 2 held, all needed$/),
        expect.stringMatching(/^✓\s*Direction\s*held\s*the direction is inbound/),
        expect.stringMatching(/^✓\s*Not this\s*held\s*the inner condition did not hold$/),
        expect.stringMatching(/^✗\s*Caller is a customer\s*did not hold\s*no customer has number \+7/),
      ]);
      expect(await yes.getByText('Would run: notify employees').isVisible()).toBe(true);

      const no = results.getByRole('listitem', { name: failing });
      expect(await no.getByText('Does not match').isVisible()).toBe(true);
      expect(await no.getByText('Nothing would run.').isVisible()).toBe(true);
      await page.close();
    } finally {
      for (const id of ids) await send('DELETE', `/rules/${id}`, undefined, h.info.tokens.admin);
    }
  });
});

describe('agent console: call back, customer filter, phone filters', () => {
  it('N6, T7, N4: "Call back" in a due reminder dials from the number\'s ticket: the PBX gets the command, the ticket shows the dialing block, other pages the way back', async () => {
    const page = await logIn('Anna Smirnova');
    const number = randomNumber();
    const missed = call('inbound', number);
    await missed.ring('101');
    await missed.end('no_answer_timeout');
    const ticket = await waitFor('the missed-call ticket', async () => (await api<{ items: Ticket[] }>(h.info, `/tickets?limit=5&number=${encodeURIComponent(number)}`)).body.items[0]);
    expect((await send('POST', '/tasks', { number, dueInMinutes: 10, callId: missed.id, requestId: `cb-${Date.now()}` })).status).toBe(201);
    await h.runtime.scheduler.fireDue(new Date(Date.now() + 11 * 60_000));
    const reminder = page.getByRole('alert').filter({ hasText: `Time to call back ${number}` });
    const commandsBefore = pbxCommands.length;
    await reminder.getByRole('button', { name: 'Call back' }).click();

    await page.getByRole('heading', { level: 1, name: ticket.subject }).waitFor();
    await page.locator('.dialing').getByText(`Dialling ${number}…`).waitFor();
    await reminder.waitFor({ state: 'detached' });
    expect(pbxCommands.length).toBe(commandsBefore + 1);
    expect(pbxCommands.at(-1)!.url).toBe('/vpbx/commands/callback');
    expect(decodeURIComponent(pbxCommands.at(-1)!.body)).toContain(`"to_number":"${number.slice(1)}"`);

    // N4: away from the ticket, the way back to it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('link', { name: `Back to the ticket “${ticket.subject}”` }).click();
    await page.getByRole('heading', { level: 1, name: ticket.subject }).waitFor();

    const back = call('outbound', number);
    await back.dial('101');
    await back.answer();
    await page.locator('.dialing').getByText(`In a call with ${number}`).waitFor();
    await back.end();
    await page.locator('.dialing').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Call ${number}` }).waitFor();
    await page.close();
  });

  it("C1: the tickets list filters by a customer found by name; the customer card's link opens that customer's tickets", async () => {
    const name = `Marta Filtrova ${Date.now()}`;
    const number = randomNumber();
    const made = await send('POST', '/customers', { fullName: name, company: 'Kolos LLC', phones: [number] }, h.info.tokens.admin);
    expect(made.status).toBe(201);
    const customerId = (made.body as { id: string }).id;
    const mine = call('inbound', number);
    await mine.ring('101');
    await mine.end('no_answer_timeout');
    const other = call('inbound', randomNumber());
    await other.ring('101');
    await other.end('no_answer_timeout');
    await waitFor("the customer's ticket", async () => (await api<{ items: Ticket[] }>(h.info, `/tickets?limit=5&customerId=${customerId}`)).body.items.length === 1);

    const page = await logIn('Anna Smirnova');
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.getByLabel('Customer', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Find customer' }).click();
    await page.getByRole('button', { name: `${name}, Kolos LLC` }).click();
    await page.getByText(`Customer: ${name}`).waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await waitFor("only the customer's ticket", async () => (await rows.count()) === 2); // header + one ticket
    expect(await rows.nth(1).getByRole('cell', { name: number, exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Clear the customer filter' }).click();
    await waitFor('all tickets again', async () => (await rows.count()) > 2);

    // From the pop-up's customer card.
    const again = call('inbound', number);
    await again.ring('101');
    const popup = popupOf(page, number);
    await popup.getByText(name).waitFor();
    await popup.getByRole('link', { name: "This customer's tickets" }).click();
    await page.getByText(`Customer: ${name}`).waitFor();
    expect(new URL(page.url()).searchParams.get('customer')).toBe(customerId);
    await waitFor("only the customer's tickets", async () => (await rows.count()) === 2);
    await again.end('no_answer_timeout');
    await popup.waitFor({ state: 'detached' });
    await page.close();
  });

  it('C4, L1: on a phone the call log filters fold behind a "Filters" toggle; on a laptop they are shown', async () => {
    const phone = await logIn('Admin', PHONE);
    await phone.goto(`${h.info.consoleUrl}/calls`);
    await phone.getByRole('heading', { name: 'Call log' }).waitFor();
    const toggle = phone.getByRole('button', { name: 'Filters' });
    const filters = phone.getByRole('form', { name: 'Filters' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await filters.isVisible()).toBe(false);
    await toggle.click();
    await filters.getByLabel('Customer number').waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await filters.getByLabel('Customer number').fill('+79160000000');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await filters.waitFor({ state: 'hidden' });
    expect(await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await phone.close();

    const laptop = await logIn('Admin');
    await laptop.goto(`${h.info.consoleUrl}/calls`);
    await laptop.getByRole('form', { name: 'Filters' }).getByLabel('Customer number').waitFor();
    expect(await laptop.getByRole('button', { name: 'Filters' }).isVisible()).toBe(false);
    await laptop.close();
  });
});
