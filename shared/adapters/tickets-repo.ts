// Ticket items and the per-call ticket marker. Every write that makes or extends a ticket from a call
// is one transaction with the marker, so a redelivered `Call Ended` can never make a second ticket.
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Ticket, TicketStatus } from '../domain/ticket.ts';
import { conditionally, ddb, decodeCursor, encodeCursor, keys, tableName } from './dynamo.ts';
import type { OutboxEntry } from './publisher.ts';

export interface TicketRecord {
  ticket: Ticket;
  version: number;
}

export interface MissedGroup {
  ticketId: string;
  lastMissedAt: string;
}

function ticketItem(tenant: string, ticket: Ticket, version: number) {
  const sort = `${ticket.createdAt}#${ticket.id}`;
  return {
    ...keys.ticket(tenant, ticket.id),
    GSI1PK: keys.ticketsByStatus(tenant, ticket.status),
    GSI1SK: sort,
    GSI2PK: keys.tickets(tenant),
    GSI2SK: sort,
    ticket,
    version,
  };
}

export async function getTicketRecord(tenant: string, id: string): Promise<TicketRecord | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.ticket(tenant, id), ConsistentRead: true }));
  return out.Item ? { ticket: out.Item['ticket'] as Ticket, version: out.Item['version'] as number } : null;
}

/** What a call's ticket decision was; a later, better-informed decision may replace `missed` by `answered`. */
export type MarkerKind = 'missed' | 'answered';

export interface CallTicketMarker {
  ticketId: string | null;
  kind: MarkerKind | null;
  outbox: OutboxEntry[];
}

export async function getCallTicketMarker(tenant: string, callId: string): Promise<CallTicketMarker | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.callTicket(tenant, callId), ConsistentRead: true }));
  if (!out.Item) return null;
  return {
    ticketId: (out.Item['ticketId'] as string | null) ?? null,
    kind: (out.Item['kind'] as MarkerKind | undefined) ?? null,
    outbox: (out.Item['outbox'] ?? []) as OutboxEntry[],
  };
}

export async function clearCallTicketOutbox(tenant: string, callId: string): Promise<void> {
  await ddb.send(new UpdateCommand({ TableName: tableName, Key: keys.callTicket(tenant, callId), UpdateExpression: 'SET outbox = :e', ExpressionAttributeValues: { ':e': [] } }));
}

export async function getMissedGroup(tenant: string, number: string): Promise<MissedGroup | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.missedGroup(tenant, number), ConsistentRead: true }));
  return out.Item ? { ticketId: out.Item['ticketId'] as string, lastMissedAt: out.Item['lastMissedAt'] as string } : null;
}

export interface TicketPut {
  ticket: Ticket;
  /** Version the ticket had when read; 0 for a new ticket. */
  expectedVersion: number;
}

export interface CallTicketWrite {
  callId: string;
  kind: MarkerKind;
  /** The ticket the call now belongs to. */
  ticketId: string;
  outbox: OutboxEntry[];
  tickets: TicketPut[];
  /** The missed-call group to open (`open`) or touch (`touch`, it must still point at `ticketId`). */
  group?: { number: string; lastMissedAt: string; mode: 'open' | 'touch' };
  /** Set when this write replaces an earlier `missed` decision for the call. */
  replaces?: 'missed';
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** One transaction: marker (one decision per call) + tickets (new, or unchanged since read) + missed-call group. False on a lost race. */
export async function writeCallTicket(tenant: string, w: CallTicketWrite): Promise<boolean> {
  const items: TransactItems = [
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.callTicket(tenant, w.callId), ticketId: w.ticketId, kind: w.kind, outbox: w.outbox },
        ConditionExpression: w.replaces ? '#k = :was' : 'attribute_not_exists(PK)',
        ExpressionAttributeNames: w.replaces ? { '#k': 'kind' } : undefined,
        ExpressionAttributeValues: w.replaces ? { ':was': w.replaces } : undefined,
      },
    },
    ...w.tickets.map(({ ticket, expectedVersion }) => ({
      Put: {
        TableName: tableName,
        Item: ticketItem(tenant, ticket, expectedVersion + 1),
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
        ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':v': expectedVersion },
      },
    })),
  ];
  if (w.group) {
    const groupKey = keys.missedGroup(tenant, w.group.number);
    items.push(
      w.group.mode === 'open'
        ? // M5: only one open missed-call group per number, whoever commits first wins.
          { Put: { TableName: tableName, Item: { ...groupKey, ticketId: w.ticketId, lastMissedAt: w.group.lastMissedAt }, ConditionExpression: 'attribute_not_exists(PK)' } }
        : {
            Update: {
              TableName: tableName,
              Key: groupKey,
              UpdateExpression: 'SET lastMissedAt = :at',
              ConditionExpression: 'ticketId = :t',
              ExpressionAttributeValues: { ':at': w.group.lastMissedAt, ':t': w.ticketId },
            },
          },
    );
  }
  return conditionally(ddb.send(new TransactWriteCommand({ TransactItems: items })));
}

/** M2: a conversation with the customer closes the open group, unless a later missed call already touched it. */
export async function closeMissedGroup(tenant: string, number: string, conversationAt: string): Promise<void> {
  await conditionally(
    ddb.send(
      new DeleteCommand({
        TableName: tableName,
        Key: keys.missedGroup(tenant, number),
        ConditionExpression: 'attribute_exists(PK) AND lastMissedAt <= :at',
        ExpressionAttributeValues: { ':at': conversationAt },
      }),
    ),
  );
}

/** A group whose ticket is no longer open is stale; remove it so the next missed call opens a new ticket. */
export async function dropMissedGroup(tenant: string, number: string, ticketId: string): Promise<void> {
  await conditionally(
    ddb.send(new DeleteCommand({ TableName: tableName, Key: keys.missedGroup(tenant, number), ConditionExpression: 'ticketId = :t', ExpressionAttributeValues: { ':t': ticketId } })),
  );
}

export async function listTickets(tenant: string, status: TicketStatus | undefined, limit: number, cursor?: string): Promise<{ items: Ticket[]; next: string | null }> {
  const [index, partition] = status ? ['GSI1', keys.ticketsByStatus(tenant, status)] : ['GSI2', keys.tickets(tenant)];
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index,
      KeyConditionExpression: `${index}PK = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, partition),
    }),
  );
  return { items: (out.Items ?? []).map((i) => i['ticket'] as Ticket), next: encodeCursor(out.LastEvaluatedKey) };
}
