// Call Ended → the call item gets `customerId` when its number belongs to a customer (E2), so the
// call log shows the customer of every call, not only of those linked by hand.
import { setCallCustomer } from '#shared/adapters/call-customers-repo.ts';
import { findCustomerIdByPhone } from '#shared/adapters/directory-repo.ts';
import { callEvents } from '#shared/events/catalog.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = eventHandler([callEvents.ended], async ({ detail }) => {
  if (detail.tenantId !== tenantId) throw new Error(`event for tenant ${detail.tenantId} reached tenant ${tenantId}`);
  const number = detail.call.customerNumber;
  if (!number) return;
  const customerId = await findCustomerIdByPhone(tenantId, number);
  if (customerId) await setCallCustomer(tenantId, detail.call.id, number, customerId);
});
