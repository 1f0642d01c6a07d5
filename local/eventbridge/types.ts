/** Public types of the local EventBridge-compatible bus. */

/** The event as EventBridge hands it to a target (exact key set and order of the real service). */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** `YYYY-MM-DDTHH:MM:SSZ` */
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface BusTarget {
  id: string;
  arn: string;
  /** Resolves when the target processed the event; a rejection counts as a failed attempt. */
  invoke: (event: EventEnvelope) => Promise<void>;
  deadLetterArn?: string;
}

export interface BusRule {
  name: string;
  eventBusName: string;
  eventPattern?: object;
  /** `rate(n minute|minutes|hour|hours|day|days)` or `cron(min hour dom month dow year)` (UTC). */
  scheduleExpression?: string;
  targets: BusTarget[];
}

export interface DeadLetter {
  ruleName: string;
  targetId: string;
  deadLetterArn?: string;
  event: EventEnvelope;
  error: string;
  /** Total invocation attempts (first try + retries). */
  attempts: number;
  at: string;
}

export interface BusStats {
  /** PutEvents requests answered (including those with failed entries). */
  putEvents: number;
  /** Entries accepted (given an EventId). */
  entries: number;
  /** Successful target invocations. */
  deliveries: number;
  /** Failed target invocation attempts (each retry counts). */
  failures: number;
}

export interface LocalEventBus {
  /** `http://host:port` — give it to the SDK as `endpoint` / `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  url: string;
  close(): Promise<void>;
  deadLetters(): DeadLetter[];
  /** Re-delivers (with fresh retries) every dead letter; returns how many were re-queued. */
  replayDeadLetters(): Promise<number>;
  /** Resolves when no delivery is pending, waiting for a retry or in flight. */
  idle(): Promise<void>;
  /** Synchronous form of `idle()`: true while anything is pending, retrying or in flight. */
  busy(): boolean;
  stats(): BusStats;
}

export interface EventBusOptions {
  port: number;
  host?: string;
  region: string;
  account: string;
  /** Bus names; `default` always exists. */
  buses: string[];
  rules: BusRule[];
  /** Delay before each retry; default `[1000, 2000]` (Lambda async invocation: 2 retries). */
  retryDelaysMs?: number[];
  /** When set, dead letters are also appended as JSON lines to `<dir>/eventbridge-dead-letters.jsonl`. */
  deadLetterDir?: string;
  chaos?: { duplicate?: boolean; shuffle?: boolean };
}
