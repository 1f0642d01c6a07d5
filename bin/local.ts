// `npm start [-- --port 3000 --ws-port 3001 --persist DIR --tenant NAME --tenant-config FILE]`
// Runs the tenant's whole stack on this machine; Ctrl-C stops everything, DynamoDB Local included.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { JavaMissingError } from '../lib/local/dynamodb-local.ts';
import { startTenant, writeLocalInfo } from '../lib/local/start.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    'ws-port': { type: 'string', default: '3001' },
    'events-port': { type: 'string', default: '0' },
    persist: { type: 'string' },
    tenant: { type: 'string' },
    'tenant-config': { type: 'string' },
    'no-synth': { type: 'boolean', default: false },
    'log-level': { type: 'string' },
  },
});

try {
  const { runtime, info } = await startTenant({
    httpPort: Number(values.port),
    wsPort: Number(values['ws-port']),
    eventsPort: Number(values['events-port']),
    skipSynth: values['no-synth'],
    ...(values.persist ? { persistDir: values.persist } : {}),
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...(values['tenant-config'] ? { tenantConfigFile: values['tenant-config'] } : {}),
    ...(values['log-level'] ? { logLevel: values['log-level'] } : {}),
  });
  const file = writeLocalInfo(info);
  console.log(
    [
      `ringdesk is running for tenant "${info.tenant}"${values.persist ? ` (data kept in ${values.persist})` : ' (in memory)'}`,
      `  HTTP API        ${info.httpUrl}`,
      `  WebSocket       ${info.wsUrl}?token=<agent token>`,
      `  @connections    ${info.wsManagementUrl}`,
      `  EventBridge     ${info.eventsUrl} (bus ${info.eventBusName})`,
      `  DynamoDB Local  ${info.dynamodbUrl}`,
      ...Object.entries(info.webhooks).map(([p, u]) => `  webhook ${p.padEnd(9)}${u}`),
      `  admin token     ${info.tokens.admin}`,
      ...Object.entries(info.tokens.agents).map(([ext, t]) => `  agent ${ext} token ${t}`),
      `Everything above is in ${relative(process.cwd(), file)}. Ctrl-C stops.`,
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  if (err instanceof JavaMissingError) console.error(`ringdesk: ${err.message}`);
  else console.error(`ringdesk: could not start: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
}
