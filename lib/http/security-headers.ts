// Security headers on everything Next renders (docs/decisions/0007). Next's own inline scripts (the flight
// data, the bootstrap) are allowed by a nonce minted here per render: Next reads it from the *request's*
// content-security-policy header (server/app-render/get-script-nonce-from-header) and puts it on every script
// it writes. Fixed inline scripts (the theme script that runs before paint) are allowed by their hashes, so
// their markup needs no nonce. A page the page cache stores keeps the header it was rendered with, so the
// nonce in its bytes and in its policy always agree.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export type SecurityHeaderOptions = {
  /** PUBLIC_URL: https turns on Strict-Transport-Security; its host is allowed for the live websocket. */
  publicUrl: string;
  /** Inline scripts that ship with every page, allowed by hash (their exact text). */
  inlineScripts: readonly string[];
  /** `next dev` evaluates code for its overlay and error stacks: 'unsafe-eval' there, never in production. */
  dev: boolean;
};

function scriptHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The policy for one render. Pure, so a test can read it whole. */
export function contentSecurityPolicy(nonce: string, options: SecurityHeaderOptions): string {
  const url = new URL(options.publicUrl);
  const https = url.protocol === "https:";
  const liveSocket = `${https ? "wss" : "ws"}://${url.host}`;
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' ${options.inlineScripts.map(scriptHash).join(" ")}${options.dev ? " 'unsafe-eval'" : ""}`,
    // React's style props and Next's route announcer set inline styles; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    // Article images are hotlinked from publishers' hosts, whatever they are; an http site (local, tests) also
    // shows http images, an https one asks the browser to upgrade them.
    `img-src 'self' data: https:${https ? "" : " http:"}`,
    "font-src 'self' data:",
    // Socket.IO (websocket, same origin) and the SSE fallback at /api/live. 'self' covers same-origin ws: in
    // current browsers; the explicit origin is for older ones.
    `connect-src 'self' ${liveSocket}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export type SecurityHeaders = {
  /** Mints a nonce for this render: on the request for Next to read, and the matching headers on the response. */
  apply(req: IncomingMessage, res: ServerResponse): void;
};

export function createSecurityHeaders(options: SecurityHeaderOptions): SecurityHeaders {
  const https = new URL(options.publicUrl).protocol === "https:";
  const fixed: [string, string][] = [
    ["x-content-type-options", "nosniff"],
    // Publishers see that a reader came from this site, not which page.
    ["referrer-policy", "strict-origin-when-cross-origin"],
    ...(https ? ([["strict-transport-security", "max-age=63072000"]] as [string, string][]) : []),
  ];
  return {
    apply(req, res) {
      const nonce = randomBytes(18).toString("base64");
      const policy = contentSecurityPolicy(nonce, options);
      // Whatever a client sent under these names would otherwise choose the nonce Next uses.
      delete req.headers["content-security-policy-report-only"];
      req.headers["content-security-policy"] = policy;
      res.setHeader("content-security-policy", policy);
      for (const [name, value] of fixed) res.setHeader(name, value);
    },
  };
}
