// The HTTP API's routes and methods (../shared/CONTRACT.md), so server.ts can answer unknown paths and
// unsupported methods with the contract's JSON error shape; Next would answer with an HTML page or an
// empty 405. A unit test checks this table against the route files in app/api.

export const API_ROUTES: { pattern: RegExp; file: string; methods: string[] }[] = [
  { pattern: /^\/api\/articles$/, file: "app/api/articles/route.ts", methods: ["GET"] },
  { pattern: /^\/api\/sources$/, file: "app/api/sources/route.ts", methods: ["GET", "POST"] },
  { pattern: /^\/api\/sources\/[^/]+$/, file: "app/api/sources/[id]/route.ts", methods: ["DELETE"] },
  { pattern: /^\/api\/sources\/[^/]+\/refresh$/, file: "app/api/sources/[id]/refresh/route.ts", methods: ["POST"] },
  { pattern: /^\/api\/opml$/, file: "app/api/opml/route.ts", methods: ["GET", "POST"] },
  { pattern: /^\/api\/health$/, file: "app/api/health/route.ts", methods: ["GET"] },
  { pattern: /^\/api\/websub\/[^/]+$/, file: "app/api/websub/[id]/route.ts", methods: ["GET", "POST"] },
];

export type ApiRouteCheck = { ok: true } | { ok: false; status: 404 | 405; allow?: string; body: string };

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** For paths under /api/ (other than /api/live, which server.ts serves itself). */
export function checkApiRoute(pathname: string, method: string): ApiRouteCheck {
  const route = API_ROUTES.find((candidate) => candidate.pattern.test(pathname.replace(/\/+$/, "")));
  if (!route) return { ok: false, status: 404, body: errorBody("not_found", `No API endpoint at ${pathname.slice(0, 200)}`) };
  const allowed = route.methods.includes("GET") ? [...route.methods, "HEAD"] : route.methods;
  if (allowed.includes(method) || method === "OPTIONS") return { ok: true };
  return { ok: false, status: 405, allow: allowed.join(", "), body: errorBody("method_not_allowed", `${method} is not supported here; use ${route.methods.join(" or ")}`) };
}
