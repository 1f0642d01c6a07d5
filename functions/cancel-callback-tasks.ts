// `Call Ended` with an answered conversation: the customer got through, so the callback tasks owed
// to that number are cancelled (and their schedules deleted) before they fall due.
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { cancelTasksForNumber } from '#shared/services/tasks.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = eventHandler(consumers['cancel-callback-tasks'], async ({ detail }) => {
  const call = detail.call;
  if (!call.customerNumber || !call.answeredAt) return;
  await cancelTasksForNumber(tenantId, call.customerNumber, 'answered_call');
});
