// The target of the tenant's one-time EventBridge Scheduler schedules (shared/adapters/schedules.ts):
// a callback task fell due → push it to its employee (N6) unless the case resolved first; an employee
// connected with undelivered reminders → push them; a digest window closed → send the digest.
// Errors propagate: Scheduler retries, then its DLQ.
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { logger } from '#shared/adapters/logger.ts';
import { scheduledJobSchema } from '#shared/domain/task.ts';
import { flushDigest } from '#shared/services/rule-digests.ts';
import { deliverUndeliveredReminders, fireTask } from '#shared/services/tasks.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = lambdaHandler(async (payload: unknown): Promise<void> => {
  const parsed = scheduledJobSchema.safeParse(payload);
  if (!parsed.success) throw new Error(`fire-task: unexpected input ${JSON.stringify(payload)}`);
  const job = parsed.data;
  if (job.tenant !== tenantId) throw new Error(`schedule of tenant ${job.tenant} reached tenant ${tenantId}`);
  if (!('kind' in job)) {
    logger.appendKeys({ taskId: job.taskId, tenant: job.tenant });
    const result = await fireTask(job);
    logger.info('task fired', { result: result.kind, ...('reason' in result ? { reason: result.reason } : {}) });
  } else if (job.kind === 'reminders') {
    logger.appendKeys({ employeeId: job.employeeId, tenant: job.tenant });
    logger.info('undelivered reminders', await deliverUndeliveredReminders(job.tenant, job.employeeId));
  } else {
    logger.appendKeys({ ruleId: job.ruleId, employeeId: job.employeeId, tenant: job.tenant });
    logger.info('digest flushed', await flushDigest(job));
  }
});
