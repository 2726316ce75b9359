// Every error a request can end in. Route handlers map these to the JSON error shape in one place
// (lib/http/json-error.ts); anything else is a 500.

export abstract class AppError extends Error {
  abstract readonly status: number;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  constructor(message: string, code = "invalid_request") {
    super(message, code);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  constructor(message = "A valid admin token is required", code = "unauthorized") {
    super(message, code);
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  constructor(message: string, code = "not_found") {
    super(message, code);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  constructor(message: string, code = "conflict") {
    super(message, code);
  }
}

/** The request was well-formed but the thing it points at cannot be used (not a feed, private address…). */
export class UnprocessableError extends AppError {
  readonly status = 422;
  constructor(message: string, code = "unprocessable") {
    super(message, code);
  }
}

/** A request body over its route's cap: refused as soon as the declared length or the bytes read pass it. */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  constructor(
    readonly maxBytes: number,
    message = `The request body may be at most ${maxBytes} bytes`,
  ) {
    super(message, "payload_too_large");
  }
}

/** Too many failed attempts from one client address; `retryAfterSeconds` becomes the Retry-After header. */
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many failed attempts; try again in ${retryAfterSeconds} s`,
    code = "too_many_requests",
  ) {
    super(message, code);
  }
}

export class UnavailableError extends AppError {
  readonly status = 503;
  constructor(message: string, code = "unavailable") {
    super(message, code);
  }
}

/**
 * `instanceof` for the feed errors below checks the name, not the class: Next bundles route handlers with a
 * copy of this module of their own, and a feed someone adds is parsed by the server's worker pool, whose
 * errors are instances of the server's copy (a page that is not a feed then answered 500 instead of 422).
 */
function isErrorNamed(value: unknown, name: string): boolean {
  return value instanceof Error && value.name === name;
}

/** Raised by the fetch stage; `code` says why (blocked_address, too_large, timeout, http_status…). */
export class FeedFetchError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isErrorNamed(value, "FeedFetchError");
  }

  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "FeedFetchError";
  }
}

/** Raised by the parse stage when the body is not a feed we can read. */
export class FeedParseError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isErrorNamed(value, "FeedParseError");
  }
  readonly code = "not_a_feed";
  constructor(message: string) {
    super(message);
    this.name = "FeedParseError";
  }
}

/** A feed's processing failed in the parse pool for a reason other than its content: too slow, pool full, thread died. */
export class FeedProcessingError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isErrorNamed(value, "FeedProcessingError");
  }
  constructor(
    message: string,
    readonly code: "parse_timeout" | "parse_busy" | "parse_crashed",
  ) {
    super(message);
    this.name = "FeedProcessingError";
  }
}
