// The click-to-call port (T7, N4): ask the provider's PBX to ring the employee, then dial the customer.
// Implementations are provider API clients; `http` is injected so tests run against a local fake.

export interface OriginateRequest {
  /** Our correlation id; providers echo it back (Mango `command_id`) or we map their id to it. */
  commandId: string;
  from: { extension: string; sipAccounts: string[]; phones: string[] };
  /** E.164 number to call. */
  to: string;
}

export interface OriginateResult {
  commandId: string;
  /** The provider's id for the new call when the API returns one (Twilio CallSid). */
  providerCallId: string | null;
}

export type HttpClient = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;

/** A provider API refused or failed the request; `retryable` for 5xx and network errors. */
export class OriginateError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OriginateError';
  }
}

export interface CallOriginator {
  provider: string;
  originate(req: OriginateRequest, settings: unknown, http: HttpClient): Promise<OriginateResult>;
}
