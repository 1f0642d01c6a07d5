// Every trigger Lambda (R4), in ONE list: lib/features/trigger-lambdas.ts creates a function (from
// `triggers/{name}.ts`), an EventBridge rule on the tenant bus with `pattern`, and a dead-letter
// queue per entry; the local runtime runs them from the synthesized template. See docs/triggers.md.
import type { EventPattern } from 'aws-cdk-lib/aws-events';
import * as vipCallerNotifiesSupervisors from './vip-caller-notifies-supervisors.ts';

export interface TriggerRegistration {
  /** File name under triggers/ without `.ts`: the function's name. */
  name: string;
  pattern: EventPattern;
  description: string;
  /** Needs to push to agents' WebSockets (binds WS_MANAGEMENT_URL). */
  webSocket?: boolean;
  /** Needs to put events on the tenant bus. */
  bus?: boolean;
  /** Creates callback tasks (shared/services/tasks.ts createCallbackTask): binds the task scheduler. */
  scheduler?: boolean;
}

export const triggers: readonly TriggerRegistration[] = [
  { name: 'vip-caller-notifies-supervisors', pattern: vipCallerNotifiesSupervisors.pattern, description: vipCallerNotifiesSupervisors.description, webSocket: true },
];
