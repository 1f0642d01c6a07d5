// /webhooks/{tenant}/{provider}[/{path+}]: verify + parse the provider's request, record the call,
// answer what the provider asked (E3 lookups, Zammad reject/dial, Zadarma echo).
import { logger } from '#shared/adapters/logger.ts';
import { metrics, MetricUnit } from '#shared/adapters/metrics.ts';
import { archiveDelivery } from '#shared/adapters/deliveries-repo.ts';
import { tenantPolicy, type TenantConfig } from '#shared/config.ts';
import { AppError, notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { webhookRoutes } from '#shared/http/routes/core.ts';
import { own } from '#shared/domain/lookup.ts';
import { adapters } from '#shared/providers/index.ts';
import { WebhookError, type ProviderAdapter, type WebhookReply, type WebhookRequest, type WebhookResult } from '#shared/providers/provider.ts';
import { recordCallEvents } from '#shared/services/record-call-events.ts';
import { responsibleEmployee } from '#shared/services/responsible-employee.ts';
import '#shared/tenant-secrets.ts'; // read at cold start
import { tenantConfig, tenantId } from '#shared/tenant.ts';

/** Verifies and parses with the cached settings and secrets, once more with a fresh secret if a credential was refused (it may have just been rotated). */
function handleWith(adapter: ProviderAdapter, provider: string, request: WebhookRequest, config: TenantConfig): { result: WebhookResult; settings: unknown } {
  const settings = own(config.providers as Record<string, unknown>, provider);
  if (!settings) throw new WebhookError(404, 'provider_not_configured', `provider ${provider} is not configured for this tenant`);
  return { result: adapter.handle(request, settings, tenantPolicy(config)), settings };
}

/**
 * A refused credential and a provider this tenant has not configured answer alike, so an outsider
 * cannot learn which providers are set up; the precise reason goes to the log for the operator.
 */
const isRefusal = (err: unknown): err is WebhookError => err instanceof WebhookError && (err.statusCode === 401 || err.code === 'provider_not_configured');

function refused(provider: string, err: WebhookError): AppError {
  logger.warn('webhook refused', { provider, reason: err.code, detail: err.message });
  return new AppError(401, 'unauthorized', 'the request is not authenticated for this webhook');
}

// Public routes: the provider's signature or token is the authentication, checked by its adapter.
export const handler = routeHandler(webhookRoutes, async ({ event, params }) => {
  const { tenant, provider, path = '' }: { tenant: string; provider: string; path?: string } = params;
  if (tenant !== tenantId) throw notFound('unknown tenant', 'unknown_tenant');
  const adapter = own(adapters, provider);
  if (!adapter) throw notFound(`provider ${provider} is not configured for this tenant`, 'unknown_provider');
  let config = await tenantConfig();

  const request: WebhookRequest = {
    method: event.requestContext.http.method,
    headers: Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? ''])),
    query: Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v ?? ''])),
    rawBody: event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0),
    subpath: path,
    ...(path ? { pathToken: path } : {}),
    receivedAt: new Date().toISOString(),
    publicUrl: `https://${event.requestContext.domainName}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
  };
  let handled: { result: WebhookResult; settings: unknown };
  try {
    try {
      handled = handleWith(adapter, provider, request, config);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      config = await tenantConfig({ freshSecrets: true });
      handled = handleWith(adapter, provider, request, config);
    }
  } catch (err) {
    if (isRefusal(err)) throw refused(provider, err);
    if (err instanceof WebhookError) throw new AppError(err.statusCode, err.code, err.message);
    throw err;
  }
  const { result, settings } = handled;
  // Verified deliveries are kept as received, so a call can be rebuilt by replaying them.
  if (result.events.length > 0) await archiveDelivery(tenantId, provider, request, result.events);
  const recorded = await recordCallEvents(tenantId, config.country, result.events);
  logger.info('webhook accepted', { provider, events: result.events.length, calls: recorded });
  metrics.addDimension('provider', provider);
  metrics.addMetric('WebhooksAccepted', MetricUnit.Count, 1);
  metrics.addMetric('CallsChanged', MetricUnit.Count, recorded.filter((r) => r.changed).length);

  let reply: WebhookReply = result.reply ?? { statusCode: 200, body: {} };
  if (result.lookup && adapter.answerLookup) {
    reply = adapter.answerLookup(result.lookup, await responsibleEmployee(tenantId, config.country, result.lookup.phone), settings);
  }
  if (reply.contentType && !reply.contentType.includes('json')) {
    return { statusCode: reply.statusCode, headers: { 'content-type': reply.contentType }, body: String(reply.body ?? '') };
  }
  return reply.statusCode === 204 ? { statusCode: 204, body: '' } : json(reply.statusCode, reply.body ?? {});
});
