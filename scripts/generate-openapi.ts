// Writes docs/openapi.json, the OpenAPI 3.1 document of the HTTP API generated from the route specs
// (shared/http/routes). Run `npm run openapi` after any route change; test/unit/openapi.test.ts fails until you do.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderOpenApi } from '#shared/http/openapi.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
