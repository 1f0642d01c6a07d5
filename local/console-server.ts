// Serves the console as S3 + CloudFront do on AWS: the static build of web/ and the generated
// config.json beside it, with correct content types, long caching for hashed assets, and index.html
// for every page path (the console routes in the browser).
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { ConsoleConfig } from '#shared/console-config.ts';
import { listen, shutdown, urlHost } from './gateway/listen.ts';

export interface ConsoleServerOptions {
  port: number;
  host?: string;
  /** The build (web/dist). */
  root: string;
  config: ConsoleConfig;
}

export interface ConsoleServer {
  /** No trailing slash. */
  url: string;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const CONTENT_TYPES: Record<string, string> = {
  '.html': HTML_TYPE,
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': JSON_TYPE,
  '.map': JSON_TYPE,
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Vite names assets by content hash: they never change, so browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and config.json are revalidated on every load, so a new build or stack is seen at once. */
const REVALIDATE = 'no-cache';

async function fileAt(path: string): Promise<Buffer | null> {
  try {
    return (await stat(path)).isFile() ? await readFile(path) : null;
  } catch {
    return null;
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': type, 'content-length': String(bytes.length), 'x-content-type-options': 'nosniff', ...headers });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

export async function startConsoleServer(opts: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = opts.host ?? '127.0.0.1';
  const root = normalize(opts.root).replace(/\/+$/, '');
  const configJson = JSON.stringify(opts.config);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed', { allow: 'GET, HEAD' });
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://console').pathname);
    } catch {
      return send(req, res, 400, 'text/plain; charset=utf-8', 'Bad Request');
    }
    if (path === '/config.json') return send(req, res, 200, JSON_TYPE, configJson, { 'cache-control': 'no-store' });
    const file = normalize(join(root, path));
    // Nothing outside the build, and no dot-files (the build manifest stays private).
    const inside = file.startsWith(root + sep) && !path.split('/').some((part) => part.startsWith('.'));
    const body = inside ? await fileAt(file) : null;
    if (body) {
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      return send(req, res, 200, type, body, { 'cache-control': path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE });
    }
    // A page path (no file extension) is the console's own route: index.html answers it.
    if (extname(path) === '') {
      const index = await fileAt(join(root, 'index.html'));
      if (index) return send(req, res, 200, HTML_TYPE, index, { 'cache-control': REVALIDATE });
    }
    return send(req, res, 404, 'text/plain; charset=utf-8', 'Not Found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[console] request failed:', err);
      if (!res.headersSent) send(req, res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
      else res.destroy();
    });
  });
  const port = await listen(server, opts.port, host);
  return { url: `http://${urlHost(host)}:${port}`, close: () => shutdown(server) };
}
