// Call Ended → the call item gets `customerId` when its number belongs to a customer (E2), so the
// call log shows the customer of every call, not only of those linked by hand.
import { setCallCustomer } from '#shared/adapters/call-customers-repo.ts';
import { findCustomerIdByPhone } from '#shared/adapters/customers-repo.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = eventHandler(consumers['attribute-call-customer'], async ({ detail }) => {
  const number = detail.call.customerNumber;
  if (!number) return;
  const customerId = await findCustomerIdByPhone(tenantId, number);
  if (customerId) await setCallCustomer(tenantId, detail.call.id, number, customerId);
});
