// The generic DynamoDB helpers, against a mocked client: a failed condition becomes a Conflict naming
// the value (or a lost race, re-read and retried), a contended transaction is retried, cursors stay in
// their partition, and batch leftovers are written again.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Conflict, Invalid } from '#shared/domain/errors.ts';

process.env['TABLE_NAME'] ??= 'ringdesk-test';
const { batchWrite, decodeCursor, encodeCursor, LostRace, retryLostRaces, transact } = await import('#shared/adapters/dynamo.ts');

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const cancelled = (codes: string[], withReasons = true) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    ...(withReasons ? { CancellationReasons: codes.map((Code) => ({ Code })) } : {}),
  });

const put = (pk: string) => ({ Put: { TableName: 'ringdesk-test', Item: { PK: pk, SK: 'X' } } });
const owner = { item: put('T#t#CUST#c1'), onConflict: null };
const phone = { item: put('T#t#PHONE#+79161234567'), onConflict: 'phones: +79161234567 already belongs to another customer' };

describe('transact', () => {
  it('E2: a failed condition on a unique value is a Conflict naming it (reasons as fields or only in the message)', async () => {
    for (const withReasons of [true, false]) {
      ddb.reset();
      ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed'], withReasons));
      const err = await transact([owner, phone]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Conflict);
      expect(err).toMatchObject({ code: 'conflict', message: phone.onConflict });
    }
  });

  it('a failed condition on the record itself is a lost race, for the caller to re-read', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None']));
    await expect(transact([owner, phone])).rejects.toBeInstanceOf(LostRace);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('a transaction cancelled by another one holding an item is tried again', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled(['TransactionConflict', 'None'])).resolves({});
    await transact([owner, phone]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('more items than one transaction takes is Invalid too_many_values, before any write', async () => {
    const items = Array.from({ length: 101 }, (_, i) => ({ item: put(`T#t#PHONE#${i}`), onConflict: 'taken' }));
    await expect(transact(items)).rejects.toMatchObject({ code: 'too_many_values' });
    await expect(transact(items)).rejects.toBeInstanceOf(Invalid);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('retryLostRaces', () => {
  it('re-runs the change after a lost race and returns its result', async () => {
    let runs = 0;
    await expect(
      retryLostRaces(async () => {
        if (++runs < 3) throw new LostRace();
        return 'committed';
      }),
    ).resolves.toBe('committed');
    expect(runs).toBe(3);
  });

  it('ends in a Conflict when the record keeps changing', async () => {
    await expect(
      retryLostRaces(async () => {
        throw new LostRace();
      }),
    ).rejects.toMatchObject({ code: 'conflict', message: 'the record changed concurrently, try again' });
  });
});

describe('cursors', () => {
  it('a cursor decodes only inside the partition it came from', () => {
    const cursor = encodeCursor({ PK: 'T#demo#EMPLOYEES', SK: 'EMP#e1' })!;
    expect(decodeCursor(cursor, 'T#demo#EMPLOYEES')).toEqual({ PK: 'T#demo#EMPLOYEES', SK: 'EMP#e1' });
    expect(() => decodeCursor(cursor, 'T#acme#EMPLOYEES')).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    expect(() => decodeCursor('not json', 'T#demo#EMPLOYEES')).toThrow(Invalid);
  });

  it('S3: a tampered cursor is a 400 (invalid_cursor), never a key DynamoDB would refuse with a 500', () => {
    const P = 'T#demo#TICKETS';
    const tampered = [
      `{"PK":"${P}","SK":{"S":"x"}}`,
      `{"PK":"${P}","SK":7}`,
      `{"PK":"${P}","SK":null}`,
      `{"PK":"${P}","SK":"x","status":"open"}`,
      `{"PK":"${P}","__proto__":"x"}`,
      `{"PK":"${P}","constructor":"x"}`,
      `{"PK":"${P}","SK":"${'x'.repeat(5000)}"}`,
      `["${P}"]`,
    ];
    for (const json of tampered) {
      const cursor = Buffer.from(json).toString('base64url');
      expect(() => decodeCursor(cursor, P), json.slice(0, 80)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    }
    expect(decodeCursor(encodeCursor({ GSI1PK: P, GSI1SK: '2026#t1', PK: 'T#demo#TICKET#t1', SK: 'TICKET' })!, P)).toEqual({ GSI1PK: P, GSI1SK: '2026#t1', PK: 'T#demo#TICKET#t1', SK: 'TICKET' });
  });
});

describe('batchWrite', () => {
  it('writes in requests of 25 and sends unprocessed items again', async () => {
    const requests = Array.from({ length: 30 }, (_, i) => ({ PutRequest: { Item: { PK: `P${i}`, SK: 'S' } } }));
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { 'ringdesk-test': [requests[3]!] } })
      .resolves({});
    await batchWrite(requests);
    const sent = ddb.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems!['ringdesk-test']!.length);
    expect(sent).toEqual([25, 1, 5]);
  });
});
