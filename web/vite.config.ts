// The agent console: a static single-page app built offline into web/dist (ADR 0005).
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // config.json is generated beside the build at serve time (npm start, the stack); nothing else is public.
  publicDir: false,
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Printed by the build and checked against the 150 KB budget by the console-size test.
    reportCompressedSize: true,
    manifest: true,
  },
});
