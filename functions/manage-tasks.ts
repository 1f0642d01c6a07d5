// GET /tasks — the agent's callback tasks; POST /tasks — schedule "call back {number}" (R2, N6).
import { randomUUID } from 'node:crypto';
import { listTasksOf } from '#shared/adapters/tasks-repo.ts';
import { normalizePhone } from '#shared/domain/phone.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { badRequest } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { createTaskRoute, listTasksRoute } from '#shared/http/routes/tasks.ts';
import { createCallbackTask } from '#shared/services/tasks.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

export const handler = dispatch([
  [listTasksRoute, routeHandler(listTasksRoute, async ({ principal, query }) => json(200, await listTasksOf(tenantId, principal.employeeId, query.status, query.limit, query.cursor)))],
  [
    createTaskRoute,
    routeHandler(createTaskRoute, async ({ principal, body }) => {
      const number = normalizePhone(body.number, (await tenantSettings()).country).e164;
      if (!number) throw badRequest(`not a phone number: ${body.number}`, 'invalid_number');
      const result = await createCallbackTask({
        tenant: tenantId,
        number,
        employeeId: principal.employeeId,
        dueInMinutes: body.dueInMinutes,
        // Agent-made tasks: idempotent per (employee, requestId) when the client sends one.
        ruleId: `agent-${principal.employeeId}`,
        eventId: body.requestId ?? randomUUID(),
        callId: body.callId,
      });
      return json(result.created ? 201 : 200, result);
    }),
  ],
]);
