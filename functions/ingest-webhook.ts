// POST /webhooks/{tenant}/{provider}[/{token}]: verify + parse the provider's request, record the call.
import { AppError, notFound } from '#shared/http/errors.ts';
import { httpHandler, json } from '#shared/http/middleware.ts';
import { logger } from '#shared/adapters/logger.ts';
import { metrics, MetricUnit } from '#shared/adapters/metrics.ts';
import { adapters } from '#shared/providers/index.ts';
import { WebhookError, type WebhookRequest, type WebhookResult } from '#shared/providers/provider.ts';
import { recordCallEvents } from '#shared/services/record-call-events.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, provider = '', token } = event.pathParameters ?? {};
  if (tenant !== tenantId) throw notFound('unknown tenant', 'unknown_tenant');
  const adapter = adapters[provider];
  const settings = (tenantConfig.providers as Record<string, unknown>)[provider];
  if (!adapter || !settings) throw notFound(`provider ${provider} is not configured for this tenant`, 'unknown_provider');

  const request: WebhookRequest = {
    method: event.requestContext.http.method,
    headers: Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? ''])),
    query: Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v ?? ''])),
    rawBody: event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0),
    ...(token ? { pathToken: token } : {}),
    receivedAt: new Date().toISOString(),
    publicUrl: `https://${event.requestContext.domainName}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
  };
  let result: WebhookResult;
  try {
    result = adapter.handle(request, settings);
  } catch (err) {
    if (err instanceof WebhookError) throw new AppError(err.statusCode, err.code, err.message);
    throw err;
  }
  const recorded = await recordCallEvents(tenantId, tenantConfig.country, result.events);
  logger.info('webhook accepted', { provider, events: result.events.length, calls: recorded });
  metrics.addDimension('provider', provider);
  metrics.addMetric('WebhooksAccepted', MetricUnit.Count, 1);
  metrics.addMetric('CallsChanged', MetricUnit.Count, recorded.filter((r) => r.changed).length);
  metrics.publishStoredMetrics();
  return json(result.reply?.statusCode ?? 200, result.reply?.body ?? {});
});
