// Provider registry: the ingest function picks the adapter by the `{provider}` path segment.
import { mangoAdapter } from './mango.ts';
import { megafonAdapter } from './megafon.ts';
import type { ProviderAdapter } from './provider.ts';
import { ringdeskAdapter } from './ringdesk.ts';
import { twilioAdapter } from './twilio.ts';
import { zadarmaAdapter } from './zadarma.ts';
import { zammadAdapter } from './zammad.ts';

export const adapters: Record<string, ProviderAdapter> = {
  [zammadAdapter.name]: zammadAdapter,
  [ringdeskAdapter.name]: ringdeskAdapter,
  [zadarmaAdapter.name]: zadarmaAdapter,
  [mangoAdapter.name]: mangoAdapter,
  [twilioAdapter.name]: twilioAdapter,
  [megafonAdapter.name]: megafonAdapter,
};

export { WebhookError, parseBody } from './provider.ts';
export type { ProviderAdapter, WebhookRequest, WebhookResult } from './provider.ts';
