/** Public types of the local EventBridge Scheduler stand-in. */

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  [k: string]: unknown;
}

/** A schedule as GetSchedule shows it (dates as `Date`s; the wire uses epoch seconds). */
export interface ScheduleRecord {
  Arn: string;
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  Description?: string;
  State: 'ENABLED' | 'DISABLED';
  ActionAfterCompletion: 'NONE' | 'DELETE';
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  Target: ScheduleTarget;
  StartDate?: Date;
  EndDate?: Date;
  CreationDate: Date;
  LastModificationDate: Date;
  /** Local only: when an `at(...)` schedule falls due. */
  dueAt: Date;
  /** Local only: it already fired (kept when ActionAfterCompletion is NONE). */
  fired: boolean;
}

export interface SchedulerDeadLetter {
  scheduleName: string;
  groupName: string;
  targetArn: string;
  deadLetterArn?: string;
  input: unknown;
  error: string;
  /** Total invocation attempts (first try + retries). */
  attempts: number;
  at: string;
}

/** Invokes the function behind a target ARN; undefined when the ARN names no local function. */
export type TargetResolver = (arn: string) => ((payload: unknown) => Promise<unknown>) | undefined;

export interface LocalSchedulerOptions {
  port: number;
  host?: string;
  region: string;
  account: string;
  /** Schedule groups besides `default` (AWS::Scheduler::ScheduleGroup names of the template). */
  groups: string[];
  resolveTarget: TargetResolver;
  /**
   * Delay before each retry (the last one repeats); default `[1000, 2000]`. A target's
   * `RetryPolicy.MaximumRetryAttempts` sets how many retries; without one, `retryDelaysMs.length`.
   * An empty list turns retries off.
   */
  retryDelaysMs?: number[];
  /** The scheduler's notion of now (a shifted or scaled clock in tests); default the wall clock. */
  clock?: () => Date;
  /** Fire due schedules on a timer (default true); false: only `fireDue()` fires them. */
  autoFire?: boolean;
  /** Timer period of the due check, default 1000 ms. */
  tickMs?: number;
  /** When set, dead letters are also appended as JSON lines to `<dir>/scheduler-dead-letters.jsonl`. */
  deadLetterDir?: string;
  log?: (line: string) => void;
}

export interface LocalScheduler {
  /** `http://host:port` — give it to the SDK as `endpoint` / `AWS_ENDPOINT_URL_SCHEDULER`. */
  url: string;
  close(): Promise<void>;
  /** Every stored schedule (copies). */
  schedules(): ScheduleRecord[];
  /**
   * Fires every enabled schedule due at or before `now` (default: the clock) and resolves when
   * their deliveries (with retries) settled; returns the fired schedule names.
   */
  fireDue(now?: Date): Promise<string[]>;
  deadLetters(): SchedulerDeadLetter[];
  /** Delivers every dead letter again with fresh retries; returns how many were re-queued. */
  replayDeadLetters(): number;
  /** Target invocations made so far (each retry counts): what Scheduler bills. */
  invocations(): number;
  /** Resolves when no delivery is in flight or waiting for a retry. */
  idle(): Promise<void>;
}
