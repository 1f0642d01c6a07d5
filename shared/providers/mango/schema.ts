// Mango Office VPBX notification bodies (docs/providers/mango.md), parsed leniently: numbers arrive as
// ints or numeric strings, parties as objects or PHP's empty `[]`, unknown fields are dropped
// (docs/call-model.md §10.7 item 11).
import { z } from 'zod';

/** Latest accepted Unix time (year 2096): keeps `timestamp * 1e6 + seq` a safe integer. */
export const MAX_UNIX = 4_000_000_000;

/** A scalar as text: strings trimmed, numbers and booleans stringified, null/empty → undefined. */
const text = (max: number) =>
  z
    .union([z.string(), z.number(), z.boolean()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? undefined : String(v).trim() || undefined))
    .pipe(z.string().max(max).optional());

/** An id (`entry_id`, `call_id`, `recording_id`): required, ≤ 256 chars. */
const id = z.union([z.string(), z.number()]).transform((v) => String(v).trim()).pipe(z.string().min(1).max(256));

/** A non-negative integer sent as int or digit string; absent/empty → undefined. */
const int = (max: number) =>
  z
    .union([z.number(), z.string().trim().regex(/^\d*$/, 'expected digits')])
    .nullish()
    .transform((v) => (v === null || v === undefined || v === '' ? undefined : Number(v)))
    .pipe(z.number().int().min(0).max(max).optional());

const flag = z.unknown().optional().transform((v) => v === true || v === 1 || v === 'true' || v === '1');

const party = z.preprocess(
  (v) => (v === null || v === undefined || (Array.isArray(v) && v.length === 0) ? {} : v),
  z.object({
    extension: text(64),
    number: text(512),
    line_number: text(512),
    acd_group: text(64),
    taken_from_call_id: text(256),
    was_transferred: flag,
  }),
);
export type MangoParty = z.infer<typeof party>;

export const callEventSchema = z.object({
  entry_id: id,
  call_id: id,
  timestamp: int(MAX_UNIX),
  seq: int(1_000_000_000),
  call_state: text(64),
  location: text(64),
  from: party,
  to: party,
  disconnect_reason: text(32),
  transfer: text(32),
  command_id: text(256),
  callback_initiator: text(64),
  call_direction: int(9),
});
export type MangoCallEvent = z.infer<typeof callEventSchema>;

export const summarySchema = z.object({
  entry_id: id,
  call_direction: int(9),
  from: party,
  to: party,
  line_number: text(512),
  create_time: int(MAX_UNIX),
  forward_time: int(MAX_UNIX),
  talk_time: int(MAX_UNIX),
  end_time: int(MAX_UNIX),
  disconnect_reason: text(32),
});
export type MangoSummary = z.infer<typeof summarySchema>;

export const recordingSchema = z.object({
  recording_id: id,
  recording_state: text(32),
  entry_id: id,
  call_id: text(256),
  extension: text(64),
  timestamp: int(MAX_UNIX),
  completion_code: text(32),
});
export type MangoRecording = z.infer<typeof recordingSchema>;
