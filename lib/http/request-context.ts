// What server.ts knows about a request and Next's handlers cannot see: an id for the log lines and the
// response, and the client's address (Next gets no socket). Both travel on internal request headers that
// server.ts always overwrites, so nothing a client sends under those names is ever believed.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveClientAddress, type TrustedProxy } from "./client-address";

/** Also the response header, so a reader reporting a failure can quote the id the log line carries. */
export const REQUEST_ID_HEADER = "x-request-id";
export const CLIENT_ADDRESS_HEADER = "x-newswire-client-address";

export type RequestContext = { requestId: string; clientAddress: string };

/** Gives the request a fresh id and its resolved client address; sets x-request-id on the response. */
export function tagRequest(req: IncomingMessage, res: ServerResponse, trustedProxies: readonly TrustedProxy[]): RequestContext {
  // A client-chosen id could collide with others' or forge log lines; none is accepted (a proxy that wants
  // correlation can log ours, which every response carries).
  const requestId = randomUUID();
  const clientAddress = resolveClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxies);
  req.headers[REQUEST_ID_HEADER] = requestId;
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return { requestId, clientAddress };
}

type HeaderSource = { headers: Headers } | { headers: IncomingMessage["headers"] };

function header(source: HeaderSource, name: string): string | undefined {
  const headers = source.headers;
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The id server.ts gave this request (undefined when a handler runs without server.ts, e.g. `next dev`). */
export function requestIdOf(source: HeaderSource): string | undefined {
  return header(source, REQUEST_ID_HEADER);
}

/** The client address server.ts resolved; "unknown" without server.ts (then every client shares one budget). */
export function clientAddressOf(source: HeaderSource): string {
  return header(source, CLIENT_ADDRESS_HEADER) ?? "unknown";
}
