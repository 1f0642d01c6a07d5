// What 1,000 calls cost on AWS at list prices: the counts a benchmark measured per call, times the
// price table (shared/cost/prices.json). Pure: no I/O, no clock.

export interface Price {
  usd: number;
  note: string;
  source: string;
}

export interface PriceTable {
  date: string;
  regionClass: string;
  lambdaArchitecture: 'arm64' | 'x86_64';
  prices: {
    httpApiRequestPerMillion: Price;
    webSocketMessagePerMillion: Price;
    webSocketConnectionMinutePerMillion: Price;
    lambdaRequestPerMillion: Price;
    lambdaGbSecond: Price;
    dynamodbReadRequestUnitPerMillion: Price;
    dynamodbWriteRequestUnitPerMillion: Price;
    eventBridgeCustomEventPerMillion: Price;
    schedulerInvocationPerMillion: Price;
    cloudWatchLogsIngestionPerGb: Price;
  };
}

/** Per call, as measured (or, where a line says so, assumed). */
export interface CallCounts {
  httpRequests: number;
  webSocketMessages: number;
  webSocketConnectionMinutes: number;
  /** Invocations and handler milliseconds per function, with the function's configured memory. */
  functions: { name: string; invocations: number; durationMs: number; memoryMb: number }[];
  /** Request units, transactions already counted double. */
  dynamodbReadUnits: number;
  dynamodbWriteUnits: number;
  eventBridgeEvents: number;
  schedulerInvocations: number;
  logBytes: number;
}

export interface CostLine {
  item: string;
  /** Quantity for 1,000 calls, in `unit`s. */
  quantity: number;
  unit: string;
  usd: number;
}

export interface CostPer1000Calls {
  lines: CostLine[];
  totalUsd: number;
  prices: { date: string; regionClass: string };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Each billed meter for 1,000 calls and the total, largest line first; Lambda bills each invocation's duration rounded up to 1 ms. */
export function costPer1000Calls(counts: CallCounts, table: PriceTable): CostPer1000Calls {
  const p = table.prices;
  const k = 1000;
  const perMillion = (q: number, price: Price) => (q / 1e6) * price.usd;
  const invocations = counts.functions.reduce((n, f) => n + f.invocations, 0);
  const gbSeconds = counts.functions.reduce((n, f) => {
    // Billed per invocation, rounded up to the millisecond: the average duration of each, rounded up.
    const perInvocationMs = f.invocations > 0 ? Math.ceil(f.durationMs / f.invocations) : 0;
    return n + (f.invocations * perInvocationMs * f.memoryMb) / 1024 / 1000;
  }, 0);
  const logGb = counts.logBytes / 1e9;
  const lines: CostLine[] = [
    { item: 'HTTP API requests', quantity: counts.httpRequests * k, unit: 'requests', usd: perMillion(counts.httpRequests * k, p.httpApiRequestPerMillion) },
    { item: 'WebSocket messages', quantity: counts.webSocketMessages * k, unit: 'messages', usd: perMillion(counts.webSocketMessages * k, p.webSocketMessagePerMillion) },
    { item: 'WebSocket connection minutes', quantity: counts.webSocketConnectionMinutes * k, unit: 'minutes', usd: perMillion(counts.webSocketConnectionMinutes * k, p.webSocketConnectionMinutePerMillion) },
    { item: 'Lambda requests', quantity: invocations * k, unit: 'invocations', usd: perMillion(invocations * k, p.lambdaRequestPerMillion) },
    { item: `Lambda duration (${table.lambdaArchitecture})`, quantity: gbSeconds * k, unit: 'GB-seconds', usd: gbSeconds * k * p.lambdaGbSecond.usd },
    { item: 'DynamoDB read request units', quantity: counts.dynamodbReadUnits * k, unit: 'RRU', usd: perMillion(counts.dynamodbReadUnits * k, p.dynamodbReadRequestUnitPerMillion) },
    { item: 'DynamoDB write request units', quantity: counts.dynamodbWriteUnits * k, unit: 'WRU', usd: perMillion(counts.dynamodbWriteUnits * k, p.dynamodbWriteRequestUnitPerMillion) },
    { item: 'EventBridge custom events', quantity: counts.eventBridgeEvents * k, unit: 'events', usd: perMillion(counts.eventBridgeEvents * k, p.eventBridgeCustomEventPerMillion) },
    { item: 'EventBridge Scheduler invocations', quantity: counts.schedulerInvocations * k, unit: 'invocations', usd: perMillion(counts.schedulerInvocations * k, p.schedulerInvocationPerMillion) },
    { item: 'CloudWatch Logs ingestion', quantity: logGb * k, unit: 'GB', usd: logGb * k * p.cloudWatchLogsIngestionPerGb.usd },
  ];
  const totalUsd = lines.reduce((n, l) => n + l.usd, 0);
  return {
    lines: lines.map((l) => ({ ...l, quantity: round(l.quantity, 4), usd: round(l.usd, 6) })).sort((a, b) => b.usd - a.usd),
    totalUsd: round(totalUsd, 6),
    prices: { date: table.date, regionClass: table.regionClass },
  };
}
