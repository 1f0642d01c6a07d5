import { describe, expect, it } from 'vitest';
import { ApiError, putEvents } from '../../local/eventbridge/put-events.ts';
import type { BusDirectory } from '../../local/eventbridge/put-events.ts';

const dir: BusDirectory = {
  region: 'eu-central-1',
  account: '111122223333',
  resolveBus: (name) => (name === undefined || name === 'ringdesk' ? (name ?? 'default') : undefined),
};
const entry = { Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: '{"callId":"c1"}', EventBusName: 'ringdesk' };

describe('putEvents', () => {
  it('builds the exact envelope', () => {
    const { response, accepted } = putEvents({ Entries: [{ ...entry, Time: 1735689600.5, Resources: ['r1'] }] }, dir);
    expect(response.FailedEntryCount).toBe(0);
    const envelope = accepted[0]?.envelope;
    expect(Object.keys(envelope ?? {})).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(envelope).toMatchObject({
      version: '0',
      'detail-type': 'Call Ended',
      source: 'ringdesk.calls',
      account: '111122223333',
      time: '2025-01-01T00:00:00Z',
      region: 'eu-central-1',
      resources: ['r1'],
      detail: { callId: 'c1' },
    });
    expect(response.Entries[0]).toEqual({ EventId: envelope?.id });
  });

  it('stamps now with seconds precision when Time is absent', () => {
    const { accepted } = putEvents({ Entries: [entry] }, dir, new Date('2025-05-06T07:08:09.999Z'));
    expect(accepted[0]?.envelope.time).toBe('2025-05-06T07:08:09Z');
  });

  it('reports per-entry failures in order', () => {
    const { response, accepted } = putEvents(
      {
        Entries: [
          { ...entry, Source: undefined },
          entry,
          { ...entry, DetailType: '' },
          { ...entry, Detail: undefined },
          { ...entry, Detail: '[1,2]' },
          { ...entry, Detail: 'not json' },
          { ...entry, EventBusName: 'nope' },
        ],
      },
      dir,
    );
    expect(accepted).toHaveLength(1);
    expect(response.FailedEntryCount).toBe(6);
    expect(response.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'InvalidArgument',
      'ok',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'ResourceNotFoundException',
    ]);
    expect(response.Entries[0]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
  });

  it('rejects more than 10 entries and an empty list as a whole', () => {
    expect(() => putEvents({ Entries: Array.from({ length: 11 }, () => entry) }, dir)).toThrow(ApiError);
    expect(() => putEvents({ Entries: [] }, dir)).toThrow(/entries/);
    expect(() => putEvents({}, dir)).toThrow(/entries/);
  });

  it('rejects requests over 256 KiB', () => {
    const big = { ...entry, Detail: JSON.stringify({ x: 'a'.repeat(256 * 1024) }) };
    expect(() => putEvents({ Entries: [big] }, dir)).toThrow(/over the limit/);
  });
});
