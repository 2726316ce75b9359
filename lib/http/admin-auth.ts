// Admin routes require `Authorization: Bearer $ADMIN_TOKEN`. Without a configured token, admin is closed.
import { timingSafeEqual, createHash } from "node:crypto";
import { UnauthorizedError } from "../domain/errors";
import { getEnv } from "../env";

function sameSecret(given: string, expected: string): boolean {
  // Hash both so the comparison is constant-time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isAdminToken(token: string | null | undefined, expected = getEnv().adminToken): boolean {
  if (!expected || !token) return false;
  return sameSecret(token, expected);
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match ? match[1].trim() : null;
}

/** Throws UnauthorizedError (401) unless the request carries the admin token. Call before reading the body. */
export function requireAdmin(request: Request): void {
  if (!getEnv().adminToken) throw new UnauthorizedError("Admin API is disabled: ADMIN_TOKEN is not set", "admin_disabled");
  if (!isAdminToken(bearerToken(request))) throw new UnauthorizedError();
}
