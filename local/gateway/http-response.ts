import type { ServerResponse } from 'node:http';

export interface GatewayResponse {
  statusCode: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export class InvalidLambdaResponse extends Error {}

export function jsonMessage(statusCode: number, message: string): GatewayResponse {
  return {
    statusCode,
    headers: [['content-type', 'application/json']],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalar(v: unknown, what: string): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new InvalidLambdaResponse(`${what} must be a string, number or boolean`);
}

/**
 * Interprets a Lambda result the way HTTP API payload format 2.0 does: an object with
 * `statusCode` is a structured response; anything else (object without statusCode, array,
 * string, number, null) is JSON-encoded as a 200 `application/json` body.
 */
export function mapLambdaResult(result: unknown): GatewayResponse {
  if (!isRecord(result) || !('statusCode' in result)) {
    return {
      statusCode: 200,
      headers: [['content-type', 'application/json']],
      body: Buffer.from(JSON.stringify(result ?? null)),
    };
  }
  const status = Number(result.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new InvalidLambdaResponse(`invalid statusCode: ${String(result.statusCode)}`);
  }
  const headers: Array<[string, string]> = [];
  const single = new Set<string>();
  if (result.headers !== undefined && result.headers !== null) {
    if (!isRecord(result.headers)) throw new InvalidLambdaResponse('headers must be an object');
    for (const [k, v] of Object.entries(result.headers)) {
      headers.push([k.toLowerCase(), scalar(v, `header ${k}`)]);
      single.add(k.toLowerCase());
    }
  }
  if (isRecord(result.multiValueHeaders)) {
    for (const [k, vs] of Object.entries(result.multiValueHeaders)) {
      if (single.has(k.toLowerCase()) || !Array.isArray(vs)) continue;
      for (const v of vs) headers.push([k.toLowerCase(), scalar(v, `header ${k}`)]);
    }
  }
  if (result.cookies !== undefined) {
    if (!Array.isArray(result.cookies)) throw new InvalidLambdaResponse('cookies must be an array');
    for (const c of result.cookies) headers.push(['set-cookie', scalar(c, 'cookie')]);
  }
  const raw = result.body;
  if (raw !== undefined && raw !== null && typeof raw !== 'string') {
    throw new InvalidLambdaResponse('body must be a string');
  }
  const text = raw ?? '';
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode: status, headers, body };
}

export function writeResponse(res: ServerResponse, response: GatewayResponse, requestId: string): void {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of response.headers) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  delete out['content-length'];
  delete out['transfer-encoding'];
  out['content-length'] = String(response.body.length);
  out['apigw-requestid'] = requestId;
  res.writeHead(response.statusCode, out);
  res.end(response.body);
}
