// The DynamoDB document client (module-scope singleton) and the single-table key builders.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../config.ts';
import { badRequest } from '../http/errors.ts';

export const tableName = requireEnv('TABLE_NAME');
export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

/** Key builders: every key starts with the tenant (S1). See docs/architecture.md. */
export const keys = {
  call: (t: string, callId: string) => ({ PK: `T#${t}#CALL#${callId}`, SK: 'CALL' }),
  callsIndex: (t: string) => `T#${t}#CALLS`,
  openCalls: (t: string) => `T#${t}#OPENCALLS`,
  callTicket: (t: string, callId: string) => ({ PK: `T#${t}#CALL#${callId}`, SK: 'TICKET' }),
  callLog: (t: string, facet: string) => `T#${t}#LOG#${facet}`,
  callLogMarker: (t: string, callId: string) => ({ PK: `T#${t}#CALL#${callId}`, SK: 'LOG' }),
  ticket: (t: string, id: string) => ({ PK: `T#${t}#TICKET#${id}`, SK: 'TICKET' }),
  ticketsByStatus: (t: string, status: string) => `T#${t}#TICKETS#${status}`,
  tickets: (t: string) => `T#${t}#TICKETS`,
  missedGroup: (t: string, number: string) => ({ PK: `T#${t}#MISSED#${number}`, SK: 'OPEN' }),
  customer: (t: string, id: string) => ({ PK: `T#${t}#CUST#${id}`, SK: 'CUST' }),
  phone: (t: string, e164: string) => ({ PK: `T#${t}#PHONE#${e164}`, SK: 'PHONE' }),
  employees: (t: string) => `T#${t}#EMPLOYEES`,
  employee: (t: string, id: string) => ({ PK: `T#${t}#EMPLOYEES`, SK: `EMP#${id}` }),
  employeeKey: (t: string, kind: string, value: string) => ({ PK: `T#${t}#EMPKEY#${kind}#${value}`, SK: 'EMPKEY' }),
  employeeConnections: (t: string, employeeId: string) => `T#${t}#EMPCONN#${employeeId}`,
  connection: (t: string, connectionId: string) => ({ PK: `T#${t}#CONN#${connectionId}`, SK: 'CONN' }),
  /** Statistics bucket partitions (docs/analytics.md): `STATS` calls, `TSTATS` tickets; H|D; all|emp|line. */
  statsBuckets: (t: string, family: 'STATS' | 'TSTATS', granularity: 'H' | 'D', kind: string) => `T#${t}#${family}#${granularity}#${kind}`,
  /** The earliest inbound call from a number (new customers). */
  firstCall: (t: string, e164: string) => ({ PK: `T#${t}#FIRSTCALL#${e164}`, SK: 'FIRSTCALL' }),
};

export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/** Runs a conditional write: true when it was applied, false when its condition did not hold (a lost race). */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Opaque list cursors: base64url of the LastEvaluatedKey. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, partition: string): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('invalid cursor', 'invalid_cursor');
  }
  // A cursor only ever points inside the partition it came from: no paging into another tenant.
  if (!key || typeof key !== 'object' || !Object.values(key).includes(partition)) throw badRequest('invalid cursor', 'invalid_cursor');
  return key as Record<string, unknown>;
}

/** Every item a Query matches, page after page; an async iterator, so a caller can stop early. */
export async function* queryItems(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>> {
  let start = input.ExclusiveStartKey;
  do {
    const out = await ddb.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) yield item;
    start = out.LastEvaluatedKey;
  } while (start);
}
