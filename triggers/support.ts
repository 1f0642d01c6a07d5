// Helpers for trigger handlers (load with `await import('./support.ts')`: it reads TABLE_NAME at import).
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, ddb, tableName } from '#shared/adapters/dynamo.ts';

/**
 * True the first time (trigger, key) is claimed, false on every later delivery: events arrive at
 * least once and some (Call Ringing) repeat per call. Markers expire after 30 days.
 */
export async function claimOnce(tenant: string, trigger: string, key: string): Promise<boolean> {
  return conditionally(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { PK: `T#${tenant}#TRIGGERONCE#${trigger}#${key}`, SK: 'ONCE', expiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400 },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
}
