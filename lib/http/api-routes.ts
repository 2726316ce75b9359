// The HTTP API's routes, methods and request-body caps (the public contract), so server.ts can answer unknown
// paths and unsupported methods with the contract's JSON error shape (Next would answer with an HTML page or
// an empty 405), and refuse a body over its route's cap with 413 before anything reads it
// (lib/http/body-limit.ts). A unit test checks this table against the route files in app/api.

const KIB = 1024;
const MIB = 1024 * KIB;

/** Requests that carry no body worth reading (GET, DELETE, a refresh, pages): anything over this is refused. */
export const NO_BODY_MAX_BYTES = 1 * KIB;
/** `{ url, name?, category? }`: a URL and two short strings. */
export const NEW_SOURCE_MAX_BYTES = 16 * KIB;
/** An OPML export of a few thousand sources. */
export const OPML_MAX_BYTES = 2 * MIB;
/** A hub's push: the feed's new entries, or at most a whole feed document. */
export const WEBSUB_PUSH_MAX_BYTES = 2 * MIB;
/** The /admin forms (server actions): the OPML file upload is the largest, plus multipart framing. */
export const ADMIN_ACTION_MAX_BYTES = OPML_MAX_BYTES + 64 * KIB;

export type ApiRoute = {
  pattern: RegExp;
  file: string;
  methods: string[];
  /** The largest request body this route accepts. */
  maxBodyBytes: number;
};

export const API_ROUTES: ApiRoute[] = [
  { pattern: /^\/api\/articles$/, file: "app/api/articles/route.ts", methods: ["GET"], maxBodyBytes: NO_BODY_MAX_BYTES },
  { pattern: /^\/api\/sources$/, file: "app/api/sources/route.ts", methods: ["GET", "POST"], maxBodyBytes: NEW_SOURCE_MAX_BYTES },
  { pattern: /^\/api\/sources\/[^/]+$/, file: "app/api/sources/[id]/route.ts", methods: ["GET", "DELETE"], maxBodyBytes: NO_BODY_MAX_BYTES },
  { pattern: /^\/api\/sources\/[^/]+\/refresh$/, file: "app/api/sources/[id]/refresh/route.ts", methods: ["POST"], maxBodyBytes: NO_BODY_MAX_BYTES },
  { pattern: /^\/api\/opml$/, file: "app/api/opml/route.ts", methods: ["GET", "POST"], maxBodyBytes: OPML_MAX_BYTES },
  { pattern: /^\/api\/stories$/, file: "app/api/stories/route.ts", methods: ["GET"], maxBodyBytes: NO_BODY_MAX_BYTES },
  { pattern: /^\/api\/stories\/[^/]+$/, file: "app/api/stories/[slug]/route.ts", methods: ["GET"], maxBodyBytes: NO_BODY_MAX_BYTES },
  { pattern: /^\/api\/health$/, file: "app/api/health/route.ts", methods: ["GET"], maxBodyBytes: NO_BODY_MAX_BYTES },
  { pattern: /^\/api\/websub\/[^/]+$/, file: "app/api/websub/[id]/route.ts", methods: ["GET", "POST"], maxBodyBytes: WEBSUB_PUSH_MAX_BYTES },
];

export type ApiRouteCheck = { ok: true } | { ok: false; status: 404 | 405; allow?: string; body: string };

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

function findRoute(pathname: string): ApiRoute | undefined {
  const trimmed = pathname.replace(/\/+$/, "");
  return API_ROUTES.find((candidate) => candidate.pattern.test(trimmed));
}

/** For paths under /api/ (other than /api/live, which server.ts serves itself). */
export function checkApiRoute(pathname: string, method: string): ApiRouteCheck {
  const route = findRoute(pathname);
  if (!route) return { ok: false, status: 404, body: errorBody("not_found", `No API endpoint at ${pathname.slice(0, 200)}`) };
  const allowed = route.methods.includes("GET") ? [...route.methods, "HEAD"] : route.methods;
  if (allowed.includes(method) || method === "OPTIONS") return { ok: true };
  return { ok: false, status: 405, allow: allowed.join(", "), body: errorBody("method_not_allowed", `${method} is not supported here; use ${route.methods.join(" or ")}`) };
}

/**
 * The body cap of any request server.ts receives: an API route's own, the admin forms' for a POST to /admin
 * (server actions post to the page they belong to), and NO_BODY_MAX_BYTES for everything else.
 */
export function maxBodyBytesFor(pathname: string, method: string): number {
  if (method === "GET" || method === "HEAD") return NO_BODY_MAX_BYTES;
  if (pathname.startsWith("/api/")) return findRoute(pathname)?.maxBodyBytes ?? NO_BODY_MAX_BYTES;
  if (method === "POST" && (pathname === "/admin" || pathname === "/admin/")) return ADMIN_ACTION_MAX_BYTES;
  return NO_BODY_MAX_BYTES;
}
