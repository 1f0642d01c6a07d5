/**
 * Local AWS Secrets Manager: a loopback HTTP server speaking the JSON 1.1 protocol of the unmodified
 * `@aws-sdk/client-secrets-manager` (`X-Amz-Target: secretsmanager.<Op>`), which functions reach
 * through `AWS_ENDPOINT_URL_SECRETS_MANAGER` — Powertools Parameters' `getSecret` included.
 */
import { createServer } from 'node:http';
import { answerAwsJson, type AwsJsonOperations } from '../aws-json.ts';
import { listen, shutdown, urlHost } from '../gateway/listen.ts';
import { JsonStateWriter, loadJsonState } from '../json-state-file.ts';
import { createSecret, deleteSecret, describeSecret, getSecretValue, listSecrets, putSecretValue, restoreSecret, type SecretsContext, type SecretsState } from './secrets.ts';

export interface LocalSecretsManagerOptions {
  port: number;
  host?: string;
  region: string;
  account: string;
  /** Keeps the secrets in this JSON file across restarts. */
  stateFile?: string;
  /** The stand-in's notion of now (version dates, the end of a recovery window). */
  clock?: () => Date;
  log?: (line: string) => void;
}

export interface LocalSecretsManager {
  /** `http://host:port`: the SDK `endpoint` / `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  url: string;
  /** Requests answered so far, by operation (shows what a cache saved). */
  requests(): Record<string, number>;
  close(): Promise<void>;
}

const OPERATIONS: Record<string, (ctx: SecretsContext, body: Record<string, unknown>) => unknown> = {
  CreateSecret: createSecret,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  DescribeSecret: describeSecret,
  ListSecrets: listSecrets,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
};

export async function startSecretsManager(opts: LocalSecretsManagerOptions): Promise<LocalSecretsManager> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = opts.clock ?? (() => new Date());
  const empty: SecretsState = { secrets: {} };
  const state = opts.stateFile ? await loadJsonState(opts.stateFile, empty) : empty;
  const writer = opts.stateFile ? new JsonStateWriter(opts.stateFile, (line) => log(`[secrets-manager] ${line}`)) : undefined;
  const ctx: SecretsContext = { state, region: opts.region, account: opts.account, now: () => clock().getTime() };
  const counts: Record<string, number> = {};

  const operations: AwsJsonOperations = Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, op]) => [
      name,
      (body: Record<string, unknown>) => {
        counts[name] = (counts[name] ?? 0) + 1;
        const out = op(ctx, body);
        writer?.save(state);
        return out;
      },
    ]),
  );

  const server = createServer((req, res) => {
    void answerAwsJson(req, res, { prefix: 'secretsmanager', operations, internalError: 'InternalServiceError', label: 'Secrets Manager' });
  });
  const host = opts.host ?? '127.0.0.1';
  const port = await listen(server, opts.port, host);

  return {
    url: `http://${urlHost(host)}:${port}`,
    requests: () => ({ ...counts }),
    async close() {
      await shutdown(server);
      await writer?.flushed();
    },
  };
}
