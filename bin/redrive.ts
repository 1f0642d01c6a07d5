// `npm run redrive -- --tenant NAME [--region R] [--dry-run] [--json]`: sends a deployed tenant's dead
// letters back where they failed (bin/redrive-routes.ts says how, per kind of queue).
// `npm run redrive -- --local` (or no --tenant) does the same against the running `npm start`
// (.ringdesk/local.json). `--dry-run` only counts what waits.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { tenantIdSchema } from '#shared/config.ts';
import { projectRoot, type LocalInfo } from '../local/start.ts';
import { redriveOnAws, type RedriveReport } from './redrive-aws.ts';
import { redriveLocal } from './redrive-local.ts';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    local: { type: 'boolean', default: false },
    region: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    info: { type: 'string', default: join(projectRoot, '.ringdesk/local.json') },
  },
});

function fail(message: string): never {
  console.error(`redrive: ${message}`);
  process.exit(1);
}

const dryRun = values['dry-run'];
const local = values.local || values.tenant === undefined;
let where: string;
let reports: RedriveReport[];
try {
  if (local) {
    let info: LocalInfo;
    try {
      info = JSON.parse(readFileSync(values.info, 'utf8')) as LocalInfo;
    } catch {
      fail(`cannot read ${relative(process.cwd(), values.info)}: start the stack first (npm start), or pass --tenant NAME for a deployed stack`);
    }
    if (values.tenant !== undefined && values.tenant !== info.tenant) fail(`the running npm start is tenant "${info.tenant}", not "${values.tenant}"`);
    where = `the local runtime (tenant ${info.tenant})`;
    reports = await redriveLocal(info, { dryRun });
  } else {
    const tenant = tenantIdSchema.safeParse(values.tenant);
    if (!tenant.success) fail(`invalid --tenant ${String(values.tenant)}`);
    // The stack name convention of bin/app.ts (lib/ringdesk-stack.ts stackNameOf), without loading the CDK.
    const stackName = `Ringdesk-${tenant.data}`;
    const config = values.region ? { region: values.region } : {};
    where = `stack ${stackName}`;
    reports = await redriveOnAws({ cfn: new CloudFormationClient(config), sqs: new SQSClient(config), lambda: new LambdaClient(config) }, stackName, { dryRun });
  }
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

const waiting = reports.reduce((n, r) => n + r.waiting, 0);
const redriven = reports.reduce((n, r) => n + r.redriven, 0);
const failed = reports.reduce((n, r) => n + r.failed, 0);
if (values.json) {
  console.log(JSON.stringify({ where, dryRun, waiting, redriven, failed, queues: reports }, null, 2));
} else {
  console.log(`${waiting} dead letter${waiting === 1 ? '' : 's'} in ${where}${dryRun ? ' (dry run: nothing moved)' : `, ${redriven} sent back, ${failed} left`}`);
  for (const r of reports) {
    const done = dryRun ? '' : `  sent back ${r.redriven}${r.failed ? `, left ${r.failed}` : ''}${r.taskHandle ? ` (move task ${r.taskHandle})` : ''}`;
    console.log(`  ${r.queue.padEnd(44)} ${r.kind.padEnd(15)} → ${r.to}  waiting ${r.waiting}${done}`);
  }
}
if (failed > 0) process.exitCode = 1;
