// `npm start [-- --port 3000 --ws-port 3001 --console-port 8080 --persist DIR --tenant NAME --tenant-config FILE --chaos duplicate,shuffle]`
// Runs the tenant's whole stack on this machine; Ctrl-C stops everything, DynamoDB Local included.
// `npm run dev` is the same with `--watch`: source changes re-synthesize and reload the changed functions, and rebuild the console.
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { JavaMissingError } from '../local/dynamodb-local.ts';
import { DEAD_LETTER_FILE } from '../local/eventbridge/delivery.ts';
import { watchConsole } from '../local/console-build.ts';
import { startDevLoop, WATCHED, type DevLoop } from '../local/reload.ts';
import { startTenant, writeLocalInfo, type LocalInfo } from '../local/start.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    'ws-port': { type: 'string', default: '3001' },
    'console-port': { type: 'string' },
    'events-port': { type: 'string', default: '0' },
    persist: { type: 'string' },
    tenant: { type: 'string' },
    'tenant-config': { type: 'string' },
    'no-synth': { type: 'boolean', default: false },
    'log-level': { type: 'string' },
    chaos: { type: 'string' },
    watch: { type: 'boolean', default: false },
  },
});

const CHAOS = { duplicate: 'every event delivered twice', shuffle: 'pending deliveries shuffled' } as const;
type ChaosSwitch = keyof typeof CHAOS;
const chaosSwitches = (values.chaos ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');
const unknownChaos = chaosSwitches.filter((s) => !(s in CHAOS));
if (unknownChaos.length > 0) {
  console.error(`ringdesk: unknown --chaos switch ${unknownChaos.join(', ')} (there are ${Object.keys(CHAOS).join(', ')})`);
  process.exit(2);
}
const chaos = Object.fromEntries(chaosSwitches.map((s) => [s, true])) as Partial<Record<ChaosSwitch, boolean>>;

/** Who can log in to the console: the demo employees by extension, and the admin. */
function consoleLogins(info: LocalInfo): string {
  return [...Object.keys(info.tokens.agents).map((ext) => `agent ${ext}`), 'admin'].join(', ');
}

try {
  const { runtime, info } = await startTenant({
    httpPort: Number(values.port),
    wsPort: Number(values['ws-port']),
    // The console follows the API onto ephemeral ports (tests), else 8080.
    console: { port: Number(values['console-port'] ?? (values.port === '0' || values['ws-port'] === '0' ? 0 : 8080)) },
    eventsPort: Number(values['events-port']),
    skipSynth: values['no-synth'],
    ...(values.persist ? { persistDir: values.persist } : {}),
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...(values['tenant-config'] ? { tenantConfigFile: values['tenant-config'] } : {}),
    ...(values['log-level'] ? { logLevel: values['log-level'] } : {}),
    ...(chaosSwitches.length > 0 ? { chaos } : {}),
  });
  const file = writeLocalInfo(info);
  console.log(
    [
      `ringdesk is running for tenant "${info.tenant}"${values.persist ? ` (data kept in ${values.persist})` : ' (in memory)'}`,
      `  console         ${info.consoleUrl}  (demo logins: ${consoleLogins(info)})`,
      `  HTTP API        ${info.httpUrl}`,
      `  WebSocket       ${info.wsUrl}?token=<agent token>`,
      `  @connections    ${info.wsManagementUrl}`,
      `  EventBridge     ${info.eventsUrl} (bus ${info.eventBusName})`,
      `  DynamoDB Local  ${info.dynamodbUrl}`,
      ...Object.entries(info.functionUrls).map(([fn, u]) => `  function URL    ${u} (${fn})`),
      ...Object.entries(info.webhooks).map(([p, u]) => `  webhook ${p.padEnd(9)}${u}`),
      `  Cognito         ${info.cognito.endpoint} (user pool ${info.cognito.userPoolId}, console client ${info.cognito.clientId})`,
      `  invitations     ${info.cognito.endpoint}/_local/invitations[?email=…] (the emails Cognito would send: temporary passwords of invited employees)`,
      ...info.logins.map((l) => `  login           ${l.email} / ${l.password} (${l.role}, ${l.name})`),
      `  admin token     ${info.tokens.admin}`,
      ...Object.entries(info.tokens.agents).map(([ext, t]) => `  agent ${ext} token ${t}`),
      `  dead letters    npm run dead-letters / npm run replay-dead-letters${values.persist ? `; also appended to ${join(values.persist, DEAD_LETTER_FILE)}` : ''}`,
      ...(chaosSwitches.length > 0 ? [`  CHAOS ON        ${chaosSwitches.map((s) => `${s} (${CHAOS[s as ChaosSwitch]})`).join(', ')}`] : []),
      `Everything above is in ${relative(process.cwd(), file)}. Ctrl-C stops.`,
    ].join('\n'),
  );
  let dev: DevLoop | null = null;
  let consoleWatch: { close(): void } | null = null;
  if (values.watch) {
    consoleWatch = watchConsole();
    dev = startDevLoop(runtime, {
      ...(values.tenant ? { tenant: values.tenant } : {}),
      ...(values['tenant-config'] ? { tenantConfigFile: values['tenant-config'] } : {}),
    });
    console.log(`[dev] watching ${WATCHED.join(', ')}: changed functions are reloaded in place (data and WebSocket connections stay); web/ is rebuilt on change`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    dev?.close();
    consoleWatch?.close();
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
