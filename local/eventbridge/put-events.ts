/**
 * PutEvents request handling, independent of HTTP: validates entries the way EventBridge does and
 * turns accepted entries into event envelopes.
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from './types.ts';
import { AwsJsonError as ApiError } from '../aws-json.ts';

export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

/** EventBridge's errors are AWS JSON errors (`__type` = the SDK exception's name). */
export { ApiError };

export interface BusDirectory {
  region: string;
  account: string;
  /** Resolves an `EventBusName` (name or ARN, absent = default) to a known bus name. */
  resolveBus(nameOrArn: string | undefined): string | undefined;
}

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface AcceptedEvent {
  busName: string;
  envelope: EventEnvelope;
}

export interface PutEventsOutcome {
  response: { FailedEntryCount: number; Entries: EntryResult[] };
  accepted: AcceptedEvent[];
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function putEvents(body: unknown, dir: BusDirectory, now: Date = new Date()): PutEventsOutcome {
  const entries = isObject(body) ? body['Entries'] : undefined;
  if (!Array.isArray(entries)) {
    throw new ApiError('ValidationException', "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    throw new ApiError('ValidationException', `1 validation error detected: Value '[...]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`);
  }
  const size = entries.reduce<number>((sum, e) => sum + entrySize(e), 0);
  if (size > MAX_REQUEST_BYTES) {
    throw new ApiError('ValidationException', 'Total size of the entries in the request is over the limit.');
  }
  const results: EntryResult[] = [];
  const accepted: AcceptedEvent[] = [];
  for (const entry of entries) {
    const outcome = acceptEntry(entry, dir, now);
    if ('error' in outcome) {
      results.push(outcome.error);
    } else {
      results.push({ EventId: outcome.event.envelope.id });
      accepted.push(outcome.event);
    }
  }
  return { response: { FailedEntryCount: results.length - accepted.length, Entries: results }, accepted };
}

function invalid(param: string, reason: string): { error: EntryResult } {
  return { error: { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${param} is not valid. Reason: ${reason}` } };
}

function acceptEntry(entry: unknown, dir: BusDirectory, now: Date): { error: EntryResult } | { event: AcceptedEvent } {
  const e = isObject(entry) ? entry : {};
  const source = e['Source'];
  const detailType = e['DetailType'];
  const detailText = e['Detail'];
  if (typeof source !== 'string' || source === '') return invalid('Source', 'Source is a required argument.');
  if (typeof detailType !== 'string' || detailType === '') return invalid('DetailType', 'DetailType is a required argument.');
  if (typeof detailText !== 'string' || detailText === '') return invalid('Detail', 'Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    detail = undefined;
  }
  if (!isObject(detail)) return { error: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  const busParam = e['EventBusName'];
  const busName = dir.resolveBus(typeof busParam === 'string' && busParam !== '' ? busParam : undefined);
  if (busName === undefined) {
    return { error: { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${String(busParam)} does not exist.` } };
  }
  const resources = e['Resources'] ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    return invalid('Resources', 'Resources must be a list of strings.');
  }
  const time = entryTime(e['Time'], now);
  if (time === undefined) return invalid('Time', 'Time is not a valid timestamp.');
  const envelope: EventEnvelope = {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: dir.account,
    time,
    region: dir.region,
    resources: [...resources],
    detail,
  };
  return { event: { busName, envelope } };
}

/** AWS JSON 1.1 sends timestamps as epoch seconds; strings (ISO 8601) are tolerated too. */
function entryTime(value: unknown, now: Date): string | undefined {
  if (value === undefined || value === null) return isoSeconds(now);
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  return isoSeconds(date);
}

export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Entry size as EventBridge computes it (UTF-8 bytes of the text fields, 14 bytes for Time). */
function entrySize(entry: unknown): number {
  if (!isObject(entry)) return 0;
  const bytes = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
  let size = entry['Time'] !== undefined ? 14 : 0;
  size += bytes(entry['Source']) + bytes(entry['DetailType']) + bytes(entry['Detail']);
  const resources = entry['Resources'];
  if (Array.isArray(resources)) for (const r of resources) size += bytes(r);
  return size;
}
