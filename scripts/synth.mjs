// `npm run synth [-- -c tenant=NAME]`: the CDK CLI from node_modules, offline and quiet.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cdk = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');

const result = spawnSync(process.execPath, [cdk, 'synth', '--no-notices', '--quiet', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit', // the CLI's own error message reaches the terminal unchanged
  env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
if (result.error) {
  console.error(`synth: could not run the CDK CLI (${cdk}): ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
