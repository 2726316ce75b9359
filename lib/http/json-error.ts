// The one place that turns errors into the contract's JSON error shape: {"error":{"code","message"}}.
import { databaseUnavailable } from "../db/client";
import { AppError, TooManyRequestsError, ValidationError } from "../domain/errors";
import { getLogger } from "../log";
import { readTextUpTo } from "./read-body";
import { requestIdOf } from "./request-context";

export function jsonError(status: number, code: string, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

function headersFor(error: AppError): Record<string, string> | undefined {
  if (error.status === 401) return { "www-authenticate": 'Bearer realm="newswire"' };
  if (error instanceof TooManyRequestsError) return { "retry-after": String(error.retryAfterSeconds) };
  return undefined;
}

/**
 * An error as the JSON error shape. Anything that is not an AppError is a 500 and is logged here, once, with
 * the request's id (the same id is on the response), so every 500 leaves one line that says why.
 */
export function errorResponse(error: unknown, request?: Request): Response {
  if (error instanceof AppError && error.status < 500) return jsonError(error.status, error.code, error.message, headersFor(error));
  const requestId = request ? requestIdOf(request) : undefined;
  const path = request ? new URL(request.url).pathname.slice(0, 200) : undefined;
  if (error instanceof AppError) {
    // A 5xx we chose (e.g. the scheduler is not running): a warning, with the reason, not a stack.
    getLogger().warn({ requestId, method: request?.method, path, status: error.status, code: error.code, reason: error.message }, "API request failed");
    return jsonError(error.status, error.code, error.message, headersFor(error));
  }
  const unavailable = databaseUnavailable(error);
  if (unavailable) {
    // Not a bug of ours: the database is locked, full or away. Say so (503, Retry-After), log it once as a warning.
    getLogger().warn({ requestId, method: request?.method, path, code: unavailable.code }, "API request failed: the database is unavailable");
    return jsonError(503, unavailable.code, unavailable.message, { "retry-after": "5" });
  }
  getLogger().error({ requestId, method: request?.method, path, err: error }, "unhandled error in API route");
  return jsonError(500, "internal", `Something went wrong on our side${requestId ? ` (request ${requestId})` : ""}`);
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler so any thrown error becomes the JSON error shape with a fitting status. */
export function withErrors<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}

/** Reads a JSON body of at most `maxBytes`: over it a 413, not JSON a 400, never a 500. */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const text = await readTextUpTo(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("Request body must be JSON", "invalid_json");
  }
}
