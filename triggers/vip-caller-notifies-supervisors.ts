// R4 example trigger: a VIP customer is calling (their `customFields.tag` is `vip`, or `customFields.vip`
// is set) → `{type:'vip_call', call, customer}` is pushed to every supervisor (employees with
// accessLevel admin). Once per call, however many `Call Ringing` events the call produces.
//
// Trigger files are imported by the CDK app (for `pattern`), so their top-level imports stay pure:
// AWS adapters (which read their env at import) are loaded inside the handler.
import type { EventPattern } from 'aws-cdk-lib/aws-events';
import type { Customer } from '#shared/domain/directory.ts';
import { callEvents } from '#shared/events/catalog.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { patternFor } from '#shared/events/subscriptions.ts';

export const description = 'A VIP customer is calling → push vip_call to all supervisors (admins)';

/** The events the rule routes here and the handler accepts: one list for both. */
const events = [callEvents.ringing] as const;

export const pattern: EventPattern = { ...patternFor(events), detail: { call: { direction: ['inbound'] } } };

const TRUTHY = new Set(['true', 'yes', '1', 'vip']);

export function isVip(customer: Pick<Customer, 'customFields'> | null): boolean {
  const fields = customer?.customFields ?? {};
  const tag = String(fields['tag'] ?? '').trim().toLowerCase();
  const vip = String(fields['vip'] ?? '').trim().toLowerCase();
  return tag.split(/[\s,;]+/).includes('vip') || TRUTHY.has(vip);
}

export const handler = eventHandler(events, async ({ detail }) => {
  const { call, tenantId } = detail;
  if (!call.customerNumber) return;
  const { findCustomerByPhone } = await import('#shared/adapters/customers-repo.ts');
  const { listEmployees } = await import('#shared/adapters/employees-repo.ts');
  const customer = await findCustomerByPhone(tenantId, call.customerNumber);
  if (!customer || !isVip(customer)) return;

  const { claimOnce } = await import('./support.ts');
  if (!(await claimOnce(tenantId, 'vip-caller-notifies-supervisors', call.id))) return; // already told for this call
  const supervisors = (await listEmployees(tenantId)).filter((e) => e.active && e.accessLevel === 'admin').map((e) => e.id);
  const { notifyEmployees } = await import('#shared/adapters/agent-notifier.ts');
  const { logger } = await import('#shared/adapters/logger.ts');
  const sent = await notifyEmployees(tenantId, supervisors, {
    type: 'vip_call',
    call: { id: call.id, from: call.from, to: call.to, customerNumber: call.customerNumber, startedAt: call.startedAt, queue: call.queue, offeredTo: call.offeredTo },
    customer: { id: customer.id, fullName: customer.fullName, company: customer.company ?? null, customFields: customer.customFields ?? {} },
  });
  logger.info('vip call announced', { supervisors: supervisors.length, sent });
});
