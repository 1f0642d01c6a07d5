// Cost per 1,000 calls: each meter times its list price, and the price table's shape.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costPer1000Calls, type CallCounts, type PriceTable } from '#shared/cost/cost.ts';

const table = JSON.parse(readFileSync(new URL('../../shared/cost/prices.json', import.meta.url), 'utf8')) as PriceTable;

const price = (usd: number) => ({ usd, note: 'n', source: 'https://example.com' });
const round: PriceTable = {
  date: '2026-01-01',
  regionClass: 'test',
  lambdaArchitecture: 'arm64',
  prices: {
    httpApiRequestPerMillion: price(1),
    webSocketMessagePerMillion: price(1),
    webSocketConnectionMinutePerMillion: price(0.25),
    lambdaRequestPerMillion: price(0.2),
    lambdaGbSecond: price(0.00001),
    dynamodbReadRequestUnitPerMillion: price(0.125),
    dynamodbWriteRequestUnitPerMillion: price(0.625),
    eventBridgeCustomEventPerMillion: price(1),
    schedulerInvocationPerMillion: price(1),
    cloudWatchLogsIngestionPerGb: price(0.5),
  },
};

const counts: CallCounts = {
  httpRequests: 3,
  webSocketMessages: 4,
  webSocketConnectionMinutes: 6,
  functions: [
    { name: 'ingest-webhook', invocations: 3, durationMs: 29.4, memoryMb: 512 }, // 9.8 ms each → billed 10 ms
    { name: 'notify-agents', invocations: 2, durationMs: 40, memoryMb: 1024 },
  ],
  dynamodbReadUnits: 10,
  dynamodbWriteUnits: 8,
  eventBridgeEvents: 5,
  schedulerInvocations: 0,
  logBytes: 4000,
};

describe('costPer1000Calls', () => {
  it('prices every meter for 1,000 calls and sums them, largest line first', () => {
    const cost = costPer1000Calls(counts, round);
    const usd = Object.fromEntries(cost.lines.map((l) => [l.item, l.usd]));
    expect(usd).toEqual({
      'HTTP API requests': 0.003, // 3,000 requests × $1/M
      'WebSocket messages': 0.004,
      'WebSocket connection minutes': 0.0015, // 6,000 minutes × $0.25/M
      'Lambda requests': 0.001, // 5,000 × $0.20/M
      // 3 × 10 ms × 0.5 GB + 2 × 20 ms × 1 GB = 0.015 + 0.04 = 0.055 GB-s per call → 55 GB-s × $0.00001
      'Lambda duration (arm64)': 0.00055,
      'DynamoDB read request units': 0.00125,
      'DynamoDB write request units': 0.005,
      'EventBridge custom events': 0.005,
      'EventBridge Scheduler invocations': 0,
      'CloudWatch Logs ingestion': 0.002, // 4 MB × $0.5/GB
    });
    expect(cost.lines.find((l) => l.item === 'Lambda duration (arm64)')).toMatchObject({ quantity: 55, unit: 'GB-seconds' });
    expect(cost.totalUsd).toBeCloseTo(0.0233, 6);
    expect(cost.lines.map((l) => l.usd)).toEqual([...cost.lines.map((l) => l.usd)].sort((a, b) => b - a));
    expect(cost.prices).toEqual({ date: '2026-01-01', regionClass: 'test' });
  });

  it('no traffic costs nothing; a function that never ran bills no duration', () => {
    const zero: CallCounts = { httpRequests: 0, webSocketMessages: 0, webSocketConnectionMinutes: 0, functions: [{ name: 'x', invocations: 0, durationMs: 0, memoryMb: 512 }], dynamodbReadUnits: 0, dynamodbWriteUnits: 0, eventBridgeEvents: 0, schedulerInvocations: 0, logBytes: 0 };
    expect(costPer1000Calls(zero, round).totalUsd).toBe(0);
  });

  it('the repo price table is dated, names its region class and architecture, and cites a source for every price', () => {
    expect(table.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.regionClass).toMatch(/us-east-1/);
    expect(table.lambdaArchitecture).toBe('arm64'); // lib/app-function.ts: Architecture.ARM_64
    expect(Object.keys(table.prices).sort()).toEqual(Object.keys(round.prices).sort());
    for (const [name, p] of Object.entries(table.prices)) {
      expect(p.usd, name).toBeGreaterThan(0);
      expect(p.source, name).toMatch(/^https:\/\//);
      expect(p.note.length, name).toBeGreaterThan(10);
    }
    // The same counts priced by the table: a plausible, positive figure.
    expect(costPer1000Calls(counts, table).totalUsd).toBeGreaterThan(0);
  });
});
