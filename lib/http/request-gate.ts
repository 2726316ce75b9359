// The checks every request passes in server.ts before Next (or the page cache) sees it: an id and the
// client's address on internal headers, a bounded URL, a bounded body, no foreign server actions, and the
// JSON error shape for unknown API paths and methods, no router state Next cannot read. One call from
// server.ts; the rules live here.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseAndValidateFlightRouterState } from "next/dist/server/app-render/parse-and-validate-flight-router-state";
import { checkApiRoute, maxBodyBytesFor } from "./api-routes";
import { limitRequestBody } from "./body-limit";
import type { TrustedProxy } from "./client-address";
import { isForeignOriginAction } from "./server-action-origin";
import { tagRequest } from "./request-context";

/** Longer request targets get 414; Node's own cap (maxHeaderSize) bounds the request line and headers together. */
export const MAX_URL_LENGTH = 8 * 1024;

/**
 * Options for http.createServer. Slow clients are cut off: the headers must arrive within 10 s and the whole
 * request (body included) within 30 s, checked every second (Node's default check runs every 30 s), so a
 * stalled upload holds a connection and its bytes for seconds, not minutes. Responses (SSE, long renders) are
 * not bounded by these: they time only the request.
 */
export const HTTP_SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
  maxHeaderSize: 16 * 1024,
} as const;

function sendJsonError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "cache-control": "no-store", ...headers });
  res.end(body);
}

/**
 * Next answers a client navigation whose router-state header it cannot parse with a 500 and a stack in the
 * log: anyone could fill the error log that way. The same check, with Next's own parser, makes it a 400.
 */
function hasReadableRouterState(req: IncomingMessage): boolean {
  const tree = req.headers["next-router-state-tree"];
  if (req.headers.rsc === undefined || tree === undefined) return true;
  try {
    parseAndValidateFlightRouterState(tree);
    return true;
  } catch {
    return false;
  }
}

export type RequestGate = {
  /** True when the request has been answered (refused) here; otherwise it goes on, tagged (request-context.ts). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
};

export function createRequestGate(options: { trustedProxies: readonly TrustedProxy[] }): RequestGate {
  return {
    handle(req, res) {
      tagRequest(req, res, options.trustedProxies);
      const url = req.url ?? "/";
      if (url.length > MAX_URL_LENGTH) {
        sendJsonError(res, 414, "uri_too_long", `Request targets may be at most ${MAX_URL_LENGTH} characters`, { connection: "close" });
        return true;
      }
      const pathname = url.split("?")[0];
      const method = req.method ?? "GET";
      if (limitRequestBody(req, res, maxBodyBytesFor(pathname, method))) return true;
      const api = pathname.startsWith("/api/");
      if (!api && isForeignOriginAction(req)) {
        sendJsonError(res, 403, "foreign_origin", "Forms on this site accept posts only from this site", { connection: "close" });
        return true;
      }
      if (!api && !hasReadableRouterState(req)) {
        sendJsonError(res, 400, "invalid_router_state", "The Next-Router-State-Tree header of this navigation cannot be read");
        return true;
      }
      if (api && pathname !== "/api/live") {
        const route = checkApiRoute(pathname, method);
        if (!route.ok) {
          res.writeHead(route.status, { "content-type": "application/json", ...(route.allow ? { allow: route.allow } : {}) });
          res.end(route.body);
          return true;
        }
      }
      return false;
    },
  };
}
