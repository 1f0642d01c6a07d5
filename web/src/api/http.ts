// The HTTP API with the logged-in person's id token as bearer token. A 401 (the token expired, e.g.
// after the laptop slept through the scheduled refresh) refreshes it once and retries; when the
// refresh fails the session ends and the console shows the login page. Errors keep the API's
// `{ error, message }`.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** What the API needs of the session (web/src/session.ts). */
export interface Credentials {
  readonly idToken: string;
  refresh(): Promise<boolean>;
}

export function createApi(baseUrl: string, credentials: Credentials): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const send = () =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${credentials.idToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let res = await send();
    if (res.status === 401 && (await credentials.refresh())) res = await send();
    const payload = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
    if (!res.ok) throw new ApiError(res.status, payload?.error ?? String(res.status), payload?.message ?? res.statusText);
    return payload as T;
  }
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}
