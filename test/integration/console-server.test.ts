// The console's local web server (C1): what S3 + CloudFront serve on AWS — the build with correct
// content types and caching, config.json beside it, index.html for page paths, nothing else.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleConfig } from '#shared/console-config.ts';
import { startConsoleServer, type ConsoleServer } from '../../local/console-server.ts';

const config: ConsoleConfig = {
  apiUrl: 'http://127.0.0.1:3000',
  wsUrl: 'ws://127.0.0.1:3001/live',
  tenant: 'demo',
  locale: 'ru',
  auth: {
    mode: 'cognito',
    region: 'eu-central-1',
    userPoolId: 'eu-central-1_local',
    clientId: 'console-client',
    endpoint: 'http://127.0.0.1:3003',
    demoLogins: [{ email: 'anna@demo.example', password: 'Ringdesk-demo-2026', name: 'Anna Smirnova', role: 'agent' }],
  },
};

let server: ConsoleServer;
let root: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-console-'));
  root = join(dir, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(root, '.vite'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>ringdesk</title>');
  writeFileSync(join(root, 'assets/index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets/index-abc123.css'), 'body{}');
  writeFileSync(join(root, '.vite/manifest.json'), '{}');
  writeFileSync(join(dir, 'outside.txt'), 'secret');
  server = await startConsoleServer({ port: 0, root, config });
});
afterAll(() => server.close());

/** A raw request, so that the path reaches the server exactly as written (no client-side normalization). */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/`, { method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console server', () => {
  it('C1: serves the generated config.json, never cached', async () => {
    const res = await get('/config.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toEqual(config);
  });

  it('C1: serves the build with content types; hashed assets are immutable, index.html revalidated', async () => {
    const js = await get('/assets/index-abc123.js');
    expect([js.status, js.headers['content-type'], js.headers['cache-control']]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/index-abc123.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const index = await get('/');
    expect([index.status, index.headers['content-type'], index.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
  });

  it('C1: answers every page path with index.html (the console routes in the browser), a missing file with 404', async () => {
    for (const page of ['/tickets', '/tickets/01JD0ABC', '/employees/']) {
      const res = await get(page);
      expect([res.status, res.body], page).toEqual([200, '<!doctype html><title>ringdesk</title>']);
    }
    expect((await get('/assets/gone-123.js')).status).toBe(404);
    expect((await get('/favicon.ico')).status).toBe(404);
  });

  it('serves nothing outside the build, no dot-files, and only GET and HEAD', async () => {
    expect((await get('/../outside.txt')).status).toBe(404);
    expect((await get('/%2e%2e/outside.txt')).status).toBe(404);
    expect((await get('/.vite/manifest.json')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(400);
    const head = await get('/config.json', 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
    const post = await get('/config.json', 'POST');
    expect([post.status, post.headers['allow']]).toEqual([405, 'GET, HEAD']);
  });
});
