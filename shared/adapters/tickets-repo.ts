// Ticket items and the per-call ticket marker. Every write that makes or extends a ticket from a call
// is one transaction with the marker, so a redelivered `Call Ended` can never make a second ticket.
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { normalizeTicket, type Ticket, type TicketStatus } from '../domain/ticket.ts';
import type { GroupWrite, LegMarker, MissedGroup } from '../domain/leg-reconciliation.ts';
import { conditionally, ddb, decodeCursor, encodeCursor, keys, tableName } from './dynamo.ts';
import type { OutboxEntry } from './publisher.ts';

export interface TicketRecord {
  ticket: Ticket;
  version: number;
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
  return out.Item ? { ticket: normalizeTicket(out.Item['ticket'] as Ticket), version: out.Item['version'] as number } : null;
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

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

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

/** Filters of the ticket list besides the status: missed-call tickets, a customer, a customer number (E.164). */
export interface TicketFilters {
  missed?: boolean;
  customerId?: string;
  number?: string;
}

/** A filtered page reads at most this many tickets, so a rare match cannot make one request read the whole list. */
export const MAX_TICKETS_READ = 1000;

export async function listTickets(
  tenant: string,
  status: TicketStatus | undefined,
  limit: number,
  cursor?: string,
  filters: TicketFilters = {},
): Promise<{ items: Ticket[]; next: string | null }> {
  const [index, partition] = status ? ['GSI1', keys.ticketsByStatus(tenant, status)] : ['GSI2', keys.tickets(tenant)];
  const conditions: string[] = [];
  const values: Record<string, unknown> = { ':pk': partition };
  if (filters.missed !== undefined) {
    conditions.push('#t.missed = :missed');
    values[':missed'] = filters.missed;
  }
  if (filters.customerId) {
    conditions.push('#t.customerId = :customer');
    values[':customer'] = filters.customerId;
  }
  if (filters.number) {
    conditions.push('#t.customerNumber = :number');
    values[':number'] = filters.number;
  }
  const query = {
    TableName: tableName,
    IndexName: index,
    KeyConditionExpression: `${index}PK = :pk`,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ...(conditions.length ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: { '#t': 'ticket' } } : {}),
  };
  if (!conditions.length) {
    const out = await ddb.send(new QueryCommand({ ...query, Limit: limit, ExclusiveStartKey: decodeCursor(cursor, partition) }));
    return { items: (out.Items ?? []).map((i) => normalizeTicket(i['ticket'] as Ticket)), next: encodeCursor(out.LastEvaluatedKey) };
  }
  // Filtered: read on until the page is full or the read budget is spent; the cursor is the key of the
  // last ticket returned (or the last one read), so the next page starts right after it.
  const items: Ticket[] = [];
  let start = decodeCursor(cursor, partition);
  let read = 0;
  for (;;) {
    const out = await ddb.send(new QueryCommand({ ...query, Limit: Math.min(MAX_TICKETS_READ - read, 200), ExclusiveStartKey: start }));
    read += out.ScannedCount ?? 0;
    for (const item of out.Items ?? []) {
      items.push(normalizeTicket(item['ticket'] as Ticket));
      if (items.length === limit) {
        const last = { PK: item['PK'], SK: item['SK'], [`${index}PK`]: item[`${index}PK`], [`${index}SK`]: item[`${index}SK`] };
        return { items, next: encodeCursor(last) };
      }
    }
    start = out.LastEvaluatedKey;
    if (!start || read >= MAX_TICKETS_READ) return { items, next: encodeCursor(start) };
  }
}

// ---- per call + leg markers (docs/adr/0003-ticket-rules.md) ----

/** The call's marker item: a decision per leg (`-` = the call as a whole, missed), versioned. */
export interface CallMarker {
  exists: boolean;
  /** 0 for a missing or a pre-leg marker item. */
  version: number;
  legs: Record<string, LegMarker>;
  outbox: OutboxEntry[];
}

/** Reads the call's marker; a marker of the one-decision-per-call era maps its decision to a leg. */
export async function getCallMarker(tenant: string, callId: string, legacyAnsweredLeg: string | null): Promise<CallMarker> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.callTicket(tenant, callId), ConsistentRead: true }));
  const item = out.Item;
  if (!item) return { exists: false, version: 0, legs: {}, outbox: [] };
  const outbox = (item['outbox'] ?? []) as OutboxEntry[];
  if (item['legs']) return { exists: true, version: item['mv'] as number, legs: item['legs'] as Record<string, LegMarker>, outbox };
  const legs: Record<string, LegMarker> = {};
  const ticketId = item['ticketId'] as string | null | undefined;
  if (ticketId && item['kind'] === 'missed') legs['-'] = { ticketId, kind: 'missed' };
  else if (ticketId) legs[legacyAnsweredLeg ?? '-'] = { ticketId, kind: 'auto' };
  return { exists: true, version: 0, legs, outbox };
}

export interface CallTicketsWrite {
  callId: string;
  /** The marker as read (for the condition) and its new legs and outbox. */
  marker: CallMarker;
  legs: Record<string, LegMarker>;
  outbox: OutboxEntry[];
  tickets: TicketPut[];
  deletes: { id: string; expectedVersion: number }[];
  /** The missed-call group to open (`open`) or touch (`touch`, it must still point at `ticketId`). */
  group?: GroupWrite;
}

/** One transaction: the call's marker (unchanged since read) + tickets (new or unchanged since read) + deletes + group. False on a lost race. */
export async function writeCallTickets(tenant: string, w: CallTicketsWrite): Promise<boolean> {
  const m = w.marker;
  const markerCondition = !m.exists
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : m.version === 0
      ? { ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(mv)' }
      : { ConditionExpression: 'mv = :mv', ExpressionAttributeValues: { ':mv': m.version } };
  const items: TransactItems = [
    { Put: { TableName: tableName, Item: { ...keys.callTicket(tenant, w.callId), legs: w.legs, outbox: w.outbox, mv: m.version + 1 }, ...markerCondition } },
    ...w.tickets.map(({ ticket, expectedVersion }) => ({
      Put: {
        TableName: tableName,
        Item: ticketItem(tenant, ticket, expectedVersion + 1),
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
        ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':v': expectedVersion },
      },
    })),
    ...w.deletes.map(({ id, expectedVersion }) => ({
      Delete: { TableName: tableName, Key: keys.ticket(tenant, id), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } },
    })),
  ];
  if (w.group) {
    const groupKey = keys.missedGroup(tenant, w.group.number);
    items.push(
      w.group.mode === 'open'
        ? // M5: only one open missed-call group per number, whoever commits first wins.
          { Put: { TableName: tableName, Item: { ...groupKey, ticketId: w.group.ticketId, lastMissedAt: w.group.lastMissedAt }, ConditionExpression: 'attribute_not_exists(PK)' } }
        : {
            Update: {
              TableName: tableName,
              Key: groupKey,
              UpdateExpression: 'SET lastMissedAt = :at',
              ConditionExpression: 'ticketId = :t',
              ExpressionAttributeValues: { ':at': w.group.lastMissedAt, ':t': w.group.ticketId },
            },
          },
    );
  }
  return conditionally(ddb.send(new TransactWriteCommand({ TransactItems: items })));
}

/** Empties the marker's outbox once its entries are on the bus, unless a newer decision replaced it. */
export async function clearCallMarkerOutbox(tenant: string, callId: string, version: number): Promise<void> {
  await conditionally(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.callTicket(tenant, callId),
        UpdateExpression: 'SET outbox = :e',
        ConditionExpression: 'mv = :mv',
        ExpressionAttributeValues: { ':e': [], ':mv': version },
      }),
    ),
  );
}

/** A ticket written by the HTTP API: new (`expectedVersion` 0) or unchanged since read. False on a lost race. */
export async function putTicket(tenant: string, ticket: Ticket, expectedVersion: number, extra: TransactItems = []): Promise<boolean> {
  const put = {
    TableName: tableName,
    Item: ticketItem(tenant, ticket, expectedVersion + 1),
    ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
    ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':v': expectedVersion },
  };
  return conditionally(ddb.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...extra] })));
}

export type { TransactItems };
