// Provider registry: the ingest function picks the adapter by the `{provider}` path segment.
import type { ProviderAdapter } from './provider.ts';
import { ringdeskAdapter } from './ringdesk.ts';
import { zadarmaAdapter } from './zadarma.ts';
import { zammadAdapter } from './zammad.ts';

export const adapters: Record<string, ProviderAdapter> = {
  [zammadAdapter.name]: zammadAdapter,
  [ringdeskAdapter.name]: ringdeskAdapter,
  [zadarmaAdapter.name]: zadarmaAdapter,
};

export { WebhookError, parseBody } from './provider.ts';
export type { ProviderAdapter, WebhookRequest, WebhookResult } from './provider.ts';
