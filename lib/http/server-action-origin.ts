// Next refuses a server action whose Origin is not this site's host (its CSRF check), but answers that with a
// 500 and an error in the log, as if the server were broken. server.ts asks this first and answers 403:
// the same rule as Next's (app-render/action-handler.ts: the Origin's host against X-Forwarded-Host, else
// Host), decided before Next, so nothing a foreign page posts ever reaches an action.
import type { IncomingMessage } from "node:http";

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(",")[0]?.trim() || undefined;
}

/** Whether Next would treat this request as a server action: a POST with `next-action`, or a form post. */
export function isPossibleServerAction(req: IncomingMessage): boolean {
  if (req.method !== "POST") return false;
  if (req.headers["next-action"] !== undefined) return true;
  const type = req.headers["content-type"] ?? "";
  return type.startsWith("multipart/form-data") || type === "application/x-www-form-urlencoded";
}

/** True when a (possible) server action comes from a page on another origin. No Origin at all is let through, as Next does. */
export function isForeignOriginAction(req: IncomingMessage): boolean {
  if (!isPossibleServerAction(req)) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  let originHost: string;
  try {
    // "null" (a sandboxed frame, a privacy redirect) is foreign too.
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    return true;
  }
  const host = first(req.headers["x-forwarded-host"]) ?? req.headers.host;
  return host === undefined || originHost !== host;
}
