// Call and ticket events → WebSocket messages to the employees concerned (N1, N3, N5).
import { notifyEmployees } from '#shared/adapters/agent-notifier.ts';
import { getCall } from '#shared/adapters/calls-repo.ts';
import { logger } from '#shared/adapters/logger.ts';
import { callEvents, ticketEvents } from '#shared/events/catalog.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { callSummary, popupOf } from '#shared/services/popups.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

/**
 * N3 for a ticket nobody is assigned (a missed call's, M1–M3): the employees the call that changed it
 * rang at or was answered by are the ones involved, so their lists update without a refresh.
 */
async function involvedInCall(callId: string | null): Promise<string[]> {
  const call = callId ? await getCall(tenantId, callId) : null;
  return call ? [...new Set([...call.offeredTo, ...(call.answeredBy ? [call.answeredBy] : [])])] : [];
}

export const handler = eventHandler(consumers['notify-agents'], async ({ detailType, detail }) => {
  let sent = 0;
  if ('call' in detail) {
    const call = detail.call;
    if (detailType === callEvents.ringing.detailType && 'newlyOffered' in detail) {
      // The customer lookup runs in parallel with the connection queries: it is on the pop-up's critical path.
      // The pop-up fields are read alongside (settings change without a restart).
      const popup = popupOf(tenantId, call, tenantSettings().then((s) => s.popupFields));
      sent = await notifyEmployees(tenantId, detail.newlyOffered, popup);
    } else {
      const type = detailType === callEvents.answered.detailType ? 'call_answered' : 'call_ended';
      const involved = [...call.offeredTo, ...(call.answeredBy ? [call.answeredBy] : [])];
      sent = await notifyEmployees(tenantId, involved, { type, call: callSummary(call) });
    }
  } else {
    const ticket = detail.ticket;
    const type = detailType === ticketEvents.created.detailType ? 'ticket_created' : 'ticket_updated';
    const involved = ticket.assigneeId ? [ticket.assigneeId] : await involvedInCall(detail.callId);
    if (involved.length) sent = await notifyEmployees(tenantId, involved, { type, ticket: { id: ticket.id, subject: ticket.subject, status: ticket.status, missed: ticket.missed } });
  }
  logger.info('notified', { detailType, sent });
});
