// Raw provider deliveries, kept append-only next to their call (with a retention TTL), so a call can be
// rebuilt by replaying exactly what the provider sent through the adapters.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { CanonicalEvent } from '../domain/call.ts';
import { callIdFor } from '../domain/call-id.ts';
import type { WebhookRequest } from '../providers/provider.ts';
import { ddb, keys, queryItems, tableName } from './dynamo.ts';

/** How long raw deliveries are kept (days). */
export const DELIVERY_RETENTION_DAYS = 90;

export interface StoredDelivery {
  provider: string;
  request: WebhookRequest;
}

export async function archiveDelivery(tenant: string, provider: string, req: WebhookRequest, events: CanonicalEvent[]): Promise<void> {
  const callIds = [...new Set(events.map((e) => callIdFor(e.provider, e.providerCallId)))];
  const expiresAt = Math.floor(Date.parse(req.receivedAt) / 1000) + DELIVERY_RETENTION_DAYS * 86_400;
  const sort = `RAW#${req.receivedAt}#${ulid()}`;
  await Promise.all(
    callIds.map((callId) =>
      ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            PK: keys.call(tenant, callId).PK,
            SK: sort,
            provider,
            request: { ...req, rawBody: req.rawBody.toString('base64') },
            expiresAt,
          },
        }),
      ),
    ),
  );
}

/** The call's deliveries in arrival order. */
export async function deliveriesOf(tenant: string, callId: string): Promise<StoredDelivery[]> {
  const out: StoredDelivery[] = [];
  for await (const item of queryItems({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :raw)', ExpressionAttributeValues: { ':pk': keys.call(tenant, callId).PK, ':raw': 'RAW#' } })) {
    const r = item['request'] as WebhookRequest & { rawBody: string };
    out.push({ provider: item['provider'] as string, request: { ...r, rawBody: Buffer.from(r.rawBody, 'base64') } });
  }
  return out;
}
