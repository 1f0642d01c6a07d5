// `Call Ended` with an answered conversation: the customer got through, so the callback tasks owed
// to that number are cancelled (and their schedules deleted) before they fall due.
import { callEvents } from '#shared/events/catalog.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { cancelTasksForNumber } from '#shared/services/tasks.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = eventHandler([callEvents.ended], async ({ detail }) => {
  if (detail.tenantId !== tenantId) throw new Error(`event for tenant ${detail.tenantId} reached tenant ${tenantId}`);
  const call = detail.call;
  if (!call.customerNumber || !call.answeredAt) return;
  await cancelTasksForNumber(tenantId, call.customerNumber, 'answered_call');
});
