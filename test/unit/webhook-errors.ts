// Shared by the provider adapter tests: the WebhookError a call throws (anything else fails the test).
import { WebhookError } from '#shared/providers/provider.ts';

export function rejection(fn: () => unknown): WebhookError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookError) return err;
    throw err;
  }
  throw new Error('expected a WebhookError');
}
