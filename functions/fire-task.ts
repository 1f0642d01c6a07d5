// A callback task's one-time schedule fired (EventBridge Scheduler, input {tenant, taskId}): push it
// to its employee (N6) unless the case resolved first. Errors propagate: Scheduler retries, then its DLQ.
import { logger } from '#shared/adapters/logger.ts';
import { fireTask, type TaskFireInput } from '#shared/services/tasks.ts';
import { tenantId } from '#shared/tenant.ts';

export async function handler(input: TaskFireInput): Promise<void> {
  if (!input || typeof input.taskId !== 'string') throw new Error(`fire-task: unexpected input ${JSON.stringify(input)}`);
  if (input.tenant !== tenantId) throw new Error(`task of tenant ${input.tenant} reached tenant ${tenantId}`);
  logger.appendKeys({ taskId: input.taskId, tenant: input.tenant });
  try {
    const result = await fireTask(input);
    logger.info('task fired', { result: result.kind, ...('reason' in result ? { reason: result.reason } : {}) });
  } finally {
    logger.resetKeys();
  }
}
