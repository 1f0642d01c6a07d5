// The API's shapes the console reads, taken from the domain so they cannot drift.
export type { Customer, Employee, AccessLevel } from '#shared/domain/directory.ts';
export type { Ticket, TicketMessage, TicketStatus } from '#shared/domain/ticket.ts';

export interface Page<T> {
  items: T[];
  next: string | null;
}
export type { Task, TaskStatus } from '#shared/domain/task.ts';
export type { CallLogRow } from '#shared/domain/call-log.ts';
export type { Rule, RuleEvent, ConditionResult } from '#shared/domain/rules.ts';
