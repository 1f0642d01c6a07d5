// Which open calls are an employee's "current" ones (N1, N3): still ringing at them, or answered by
// them and not ended. A call answered by a colleague is not (its pop-up collapsed, N3).
import type { Call } from './call.ts';

export function isCurrentCallOf(call: Pick<Call, 'status' | 'offeredTo' | 'answeredBy'>, employeeId: string): boolean {
  if (call.status === 'ended') return false;
  if (call.answeredBy) return call.answeredBy === employeeId;
  return call.offeredTo.includes(employeeId);
}
