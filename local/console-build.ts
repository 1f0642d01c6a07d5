// Builds the console (web/) with Vite when its build is missing or older than its sources, and keeps
// it rebuilt on change for `npm run dev`. Vite runs in a child process: the runtime stays responsive.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));
export const WEB_DIST = join(WEB_ROOT, 'dist');
const VITE_CONFIG = join(WEB_ROOT, 'vite.config.ts');
const viteBin = () => join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');

function newestSource(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newestSource(join(path, name))));
}

/** True when web/dist is missing or a source (index.html, src/, the Vite config) changed after it was built. */
export function consoleBuildIsStale(): boolean {
  const built = join(WEB_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(...['index.html', 'vite.config.ts', 'src'].map((p) => newestSource(join(WEB_ROOT, p))));
  return sources > statSync(built).mtimeMs;
}

function vite(args: string[], stdio: 'inherit' | 'ignore' = 'inherit'): ChildProcess {
  return spawn(process.execPath, [viteBin(), ...args, '--config', VITE_CONFIG], { cwd: WEB_ROOT, stdio: ['ignore', stdio, 'inherit'] });
}

export function buildConsole(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = vite(['build', '--logLevel', 'warn']);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the console build failed (vite build exited with ${code}; see above)`))));
  });
}

/** Builds the console unless its build is fresh; says whether it built. */
export async function ensureConsoleBuilt(): Promise<boolean> {
  if (!consoleBuildIsStale()) return false;
  await buildConsole();
  return true;
}

/** `vite build --watch`: every change under web/ is rebuilt into web/dist, which the console server reads per request. */
export function watchConsole(): { close(): void } {
  const child = vite(['build', '--watch', '--logLevel', 'warn']);
  return { close: () => void child.kill('SIGTERM') };
}

interface ManifestChunk {
  file: string;
  css?: string[];
  imports?: string[];
  isEntry?: boolean;
}

/**
 * Gzipped bytes of what a first visit loads: the entry chunk with its static imports and their CSS
 * (lazy chunks excluded), from the build's manifest. The budget is 150 KB (ADR 0005).
 */
export function consoleInitialSize(dist = WEB_DIST): { js: number; css: number; total: number } {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  let js = 0;
  let css = 0;
  for (const file of files) {
    const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
    if (file.endsWith('.css')) css += size;
    else js += size;
  }
  return { js, css, total: js + css };
}
