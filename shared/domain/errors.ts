// Failures in the terms of the product, each with a stable machine code. Repositories and services
// throw these; only shared/http/errors.ts knows which HTTP status each one becomes.

export abstract class DomainError extends Error {
  constructor(
    message: string,
    /** Stable and machine-readable (`not_found`, `invalid_cursor`, …): clients see it as `error`. */
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What was asked for does not exist (`not_found`, `customer_not_found`). */
export class NotFound extends DomainError {
  constructor(message = 'not found', code = 'not_found') {
    super(message, code);
  }
}

/** The change contradicts what is stored: a value another record holds, a merge already done, a lost race. */
export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict') {
    super(message, code);
  }
}

/** The input cannot be acted on (`invalid_query`, `invalid_body`, `invalid_cursor`, `too_many_values`, `no_number`, …). */
export class Invalid extends DomainError {
  constructor(message: string, code = 'bad_request') {
    super(message, code);
  }
}

/** A system outside ours that the request needs is missing or failed (`click_to_call_unavailable`, `click_to_call_failed`). */
export class UpstreamFailure extends DomainError {
  constructor(message: string, code = 'upstream_failed') {
    super(message, code);
  }
}
