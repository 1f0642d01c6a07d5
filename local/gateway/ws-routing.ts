/**
 * Route selection for WebSocket APIs: `$request.body.<path>` evaluated against a JSON message,
 * falling back to `$default`. Only the body form of the expression is supported (what ringdesk uses).
 */
export function compileSelection(expression: string): (body: string | undefined) => string | undefined {
  const m = /^\$request\.body\.(.+)$/.exec(expression);
  if (!m) throw new Error(`unsupported route selection expression: ${expression}`);
  const path = (m[1] ?? '').split('.');
  return (body) => {
    if (body === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
    for (const key of path) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  };
}

/** True when a $connect result lets the connection through: no statusCode, or a 2xx one. */
export function connectAllowed(result: unknown): { ok: boolean; status: number; body: string; headers: Record<string, string> } {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return { ok: true, status: 200, body: '', headers: {} };
  }
  const r = result as { statusCode: unknown; body?: unknown; headers?: unknown };
  const status = Number(r.statusCode);
  const headers: Record<string, string> = {};
  if (typeof r.headers === 'object' && r.headers !== null) {
    for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  }
  const valid = Number.isInteger(status) && status >= 100 && status <= 599;
  return {
    ok: valid && status >= 200 && status < 300,
    status: valid ? status : 500,
    body: typeof r.body === 'string' ? r.body : '',
    headers,
  };
}
