// `npm start` as a user runs it: the real CLI process, its .ringdesk/local.json contract, a webhook
// from the docs turning into a ticket, and a clean Ctrl-C that takes DynamoDB Local down with it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConsoleConfig } from '#shared/console-config.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { projectRoot, type LocalInfo } from '../../local/start.ts';
import { callIdValue, randomNumber, waitFor } from './harness.ts';

const LINE = '+74951234567';
let cli: ChildProcess | null = null;
let javaPids: number[] = [];

afterAll(() => {
  // Only if the test failed half-way: stop what this file started, by pid (the CLI's java children
  // first collected, or a killed CLI would leave its DynamoDB Local orphaned).
  if (cli?.pid && cli.exitCode === null && cli.signalCode === null) {
    javaPids = [...new Set([...javaPids, ...javaChildrenOf(cli.pid)])];
    cli.kill('SIGKILL');
  }
  for (const pid of javaPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function processTable(): { pid: number; ppid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
}

function javaChildrenOf(pid: number): number[] {
  return processTable()
    .filter((p) => p.ppid === pid && /\bjava\b/.test(p.args) && p.args.includes('DynamoDBLocal'))
    .map((p) => p.pid);
}

/** True while the pid exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false; // ps exits 1 when the pid is gone
  }
}

describe('bin/local.ts (npm start)', () => {
  it('starts on ephemeral ports, writes local.json, turns a Zammad webhook into a ticket and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--port', '0', '--ws-port', '0', '--no-synth', '--log-level', 'ERROR'], {
      cwd: projectRoot,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cli = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));

    await waitFor(
      'the CLI to say it is running',
      async () => {
        if (child.exitCode !== null) throw new Error(`the CLI exited with ${child.exitCode}: ${stderr}`);
        return /Ctrl-C stops\./.test(stdout);
      },
      60_000,
    );
    expect(stdout).toMatch(/ringdesk is running for tenant "demo" \(in memory\)/);

    // The printed URLs carry the real ports, not the 0 we asked for.
    const printed = (label: string) => new RegExp(`^\\s*${label}\\s+(\\S+)`, 'm').exec(stdout)?.[1] ?? '';
    const httpUrl = printed('HTTP API');
    expect(httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(httpUrl).port).not.toMatch(/^0?$/);
    const wsUrl = printed('WebSocket').replace(/\?token=.*$/, '');
    expect(wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/live$/);
    expect(new URL(wsUrl).port).not.toMatch(/^0?$/);
    const consoleUrl = printed('console');
    expect(new URL(consoleUrl).port).not.toMatch(/^0?$/);

    // The contract of .ringdesk/local.json (read by the UI and scripts).
    const file = join(projectRoot, '.ringdesk/local.json');
    expect(stdout).toContain(`Everything above is in ${relative(projectRoot, file)}.`);
    const info = JSON.parse(readFileSync(file, 'utf8')) as LocalInfo;
    expect(info.httpUrl, 'local.json was written by this CLI (not by another `npm start`)').toBe(httpUrl);
    expect(info).toMatchObject({
      httpUrl,
      wsUrl,
      tenant: 'demo',
      eventBusName: 'ringdesk-demo',
      tokens: { admin: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), agents: { '101': expect.any(String), '102': expect.any(String) } },
      webhooks: {
        zammad: `${httpUrl}/webhooks/demo/zammad/demo-zammad-token-0123456789`,
        ringdesk: `${httpUrl}/webhooks/demo/ringdesk`,
      },
    });
    expect(info.wsManagementUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/live$/);
    expect(info.eventsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.dynamodbUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // C1: the console is served with a config.json naming this stack, its user pool and the demo logins (no token).
    expect(info.consoleUrl).toBe(consoleUrl);
    const consoleConfigText = await (await fetch(`${consoleUrl}/config.json`)).text();
    const consoleConfig = JSON.parse(consoleConfigText) as ConsoleConfig;
    expect(consoleConfig).toMatchObject({ apiUrl: httpUrl, wsUrl, auth: { mode: 'cognito', userPoolId: info.cognito.userPoolId, clientId: info.cognito.clientId, endpoint: info.cognito.endpoint } });
    expect(consoleConfig.auth.demoLogins?.map((l) => l.name)).toEqual(['Anna Smirnova', 'Boris Ivanov', 'Admin']);
    expect(consoleConfigText).not.toContain(info.tokens.admin);
    expect((await fetch(`${consoleUrl}/tickets`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(stdout).toContain(info.tokens.admin);
    // S3: the demo people log in through the local Cognito; their logins are printed and in local.json.
    expect(info.cognito).toMatchObject({ endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), userPoolId: expect.stringMatching(/^us-east-1_\w{9}$/), clientId: expect.stringMatching(/^[a-z0-9]{26}$/) });
    expect(info.cognito.issuer).toBe(`${info.cognito.endpoint}/${info.cognito.userPoolId}`);
    expect(info.logins.map((l) => [l.email, l.role])).toEqual([['anna@demo.example', 'agent'], ['boris@demo.example', 'agent'], ['admin@demo.example', 'admin']]);
    for (const l of info.logins) expect(stdout).toContain(`${l.email} / ${l.password}`);
    expect(stdout).toContain(info.webhooks['zammad']);

    // The README's curl: a Zammad missed call (newCall, then hangup) as JSON, then GET /tickets?status=open.
    const from = randomNumber();
    const callId = callIdValue();
    for (const body of [
      { event: 'newCall', direction: 'in', from, to: LINE, callId, user: ['Anna Smirnova'] },
      { event: 'hangup', direction: 'in', from, to: LINE, callId, cause: 'noAnswer' },
    ]) {
      const res = await fetch(info.webhooks['zammad']!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    const anonymous = await fetch(`${info.httpUrl}/tickets`);
    expect(anonymous.status).toBe(401);
    const ticket = await waitFor('a ticket for the missed call', async () => {
      const res = await fetch(`${info.httpUrl}/tickets?status=open&limit=200`, { headers: { authorization: `Bearer ${info.tokens.admin}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: Ticket[] }).items.find((t) => t.customerNumber === from);
    });
    expect(ticket).toMatchObject({ subject: `Missed call from ${from}`, status: 'open', missed: true });

    // DynamoDB Local runs as a java child of the CLI.
    javaPids = javaChildrenOf(child.pid!);
    expect(javaPids).toHaveLength(1);

    const sentAt = Date.now();
    child.kill('SIGINT');
    const timeout = new Promise<'timeout'>((r) => setTimeout(r, 10_000, 'timeout').unref());
    const result = await Promise.race([exited, timeout]);
    expect(result, `the CLI did not exit within 10 s of SIGINT; stderr: ${stderr}`).not.toBe('timeout');
    expect(result).toEqual({ code: 0, signal: null });
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(stdout).toContain('SIGINT: stopping');
    // Its DynamoDB Local went with it (a short grace for the kernel to reap it).
    await waitFor('DynamoDB Local gone', async () => javaPids.every((pid) => !alive(pid)), 1_000).catch(() => undefined);
    expect(javaPids.filter(alive)).toEqual([]);
  }, 90_000);
});
