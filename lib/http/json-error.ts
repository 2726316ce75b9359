// The one place that turns errors into the contract's JSON error shape: {"error":{"code","message"}}.
import { AppError, ValidationError } from "../domain/errors";
import { getLogger } from "../log";

export function jsonError(status: number, code: string, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const headers = error.status === 401 ? { "www-authenticate": 'Bearer realm="newswire"' } : undefined;
    return jsonError(error.status, error.code, error.message, headers);
  }
  getLogger().error({ err: error }, "unhandled error in API route");
  return jsonError(500, "internal", "Something went wrong on our side");
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler so any thrown error becomes the JSON error shape with a fitting status. */
export function withErrors<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Reads a JSON body; a body that is not JSON is a 400, not a 500. */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const text = await request.text();
  if (text.length > maxBytes) {
    throw new ValidationError(`Request body is larger than ${maxBytes} bytes`, "body_too_large");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("Request body must be JSON", "invalid_json");
  }
}
