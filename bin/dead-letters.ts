// `npm run dead-letters [-- --json]` lists the events the running `npm start` gave up on; `--replay`
// delivers them again with fresh retries (`npm run redrive -- --local`, alias `replay-dead-letters`,
// does that for the Scheduler's dead letters too, and `--tenant NAME` on AWS).
// Talks to the local bus's admin routes (GET /_local/dead-letters, POST /_local/dead-letters/replay)
// at the `eventsUrl` of .ringdesk/local.json.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeadLetter } from '../local/eventbridge/types.ts';
import { projectRoot, type LocalInfo } from '../local/start.ts';

const { values } = parseArgs({
  options: {
    replay: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    info: { type: 'string', default: join(projectRoot, '.ringdesk/local.json') },
  },
});

function fail(message: string): never {
  console.error(`dead-letters: ${message}`);
  process.exit(1);
}

let eventsUrl: string;
try {
  eventsUrl = (JSON.parse(readFileSync(values.info, 'utf8')) as LocalInfo).eventsUrl;
} catch {
  fail(`cannot read ${relative(process.cwd(), values.info)}: start the stack first (npm start)`);
}

async function call(method: 'GET' | 'POST', path: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${eventsUrl}${path}`, { method });
  } catch {
    fail(`nothing answers at ${eventsUrl}: is npm start still running?`);
  }
  if (!res.ok) fail(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

if (values.replay) {
  const { replayed } = (await call('POST', '/_local/dead-letters/replay')) as { replayed: number };
  console.log(values.json ? JSON.stringify({ replayed }) : `replayed ${replayed} dead letter${replayed === 1 ? '' : 's'} (delivered again with fresh retries)`);
} else {
  const letters = (await call('GET', '/_local/dead-letters')) as DeadLetter[];
  if (values.json) console.log(JSON.stringify(letters, null, 2));
  else {
    console.log(`${letters.length} dead letter${letters.length === 1 ? '' : 's'} at ${eventsUrl}`);
    for (const d of letters) {
      console.log(`  ${d.at}  ${d.event['detail-type']} (${d.event.id}) → rule ${d.ruleName} target ${d.targetId}, ${d.attempts} attempts: ${d.error}`);
    }
    if (letters.length > 0) console.log('npm run redrive -- --local delivers them again; -- --json prints them whole.');
  }
}
