// $connect: runs only after ws-authorize allowed the handshake; remembers the connection under the
// employee the authorizer identified, and has the reminders the employee missed while offline delivered
// (N6) once the connection is open. A denied handshake never connects.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { putConnection } from '#shared/adapters/connections-repo.ts';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { logger } from '#shared/adapters/logger.ts';
import { authorizedEmployee, type WsEvent } from '#shared/http/ws-auth.ts';
import { scheduleUndeliveredReminders } from '#shared/services/tasks.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = lambdaHandler(async (event: WsEvent): Promise<APIGatewayProxyResult> => {
  const connectionId = event.requestContext.connectionId;
  const employeeId = authorizedEmployee(event);
  // Defensive: the route is configured with the authorizer, so this only happens when it is not.
  if (!employeeId) {
    logger.warn('$connect without authorizer context', { connectionId });
    return { statusCode: 401, body: 'Unauthorized' };
  }
  await putConnection(tenantId, employeeId, connectionId);
  logger.info('agent connected', { connectionId, employeeId });
  try {
    if (await scheduleUndeliveredReminders(tenantId, employeeId, connectionId)) logger.info('undelivered reminders scheduled for delivery', { connectionId, employeeId });
  } catch (err) {
    // The reminders stay undelivered (and listed by GET /tasks) for the next connect: not worth refusing this one.
    logger.error('could not schedule undelivered reminders', { connectionId, employeeId, error: err instanceof Error ? err.message : String(err) });
  }
  return { statusCode: 200, body: '' };
});
