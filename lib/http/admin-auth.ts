// Admin routes require `Authorization: Bearer $ADMIN_TOKEN`. Without a configured token, admin is closed.
// Wrong tokens are counted per client address and cut off with 429 (lib/http/admin-rate-limit.ts).
import { timingSafeEqual, createHash } from "node:crypto";
import { TooManyRequestsError, UnauthorizedError } from "../domain/errors";
import { getEnv } from "../env";
import { getAdminRateLimiter, type AdminRateVerdict } from "./admin-rate-limit";
import { clientAddressOf } from "./request-context";

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

/**
 * Whether `token` is the admin token, for a caller at `address`: a blocked address is refused before the
 * token is looked at (TooManyRequestsError, 429), and a wrong token counts against it. No token at all is not
 * a guess (a reader who opened an admin URL): refused, not counted.
 */
export async function verifyAdminToken(token: string | null | undefined, address: string): Promise<boolean> {
  const limiter = getAdminRateLimiter();
  refuseIfBlocked(await limiter.check(address));
  if (!token) return false;
  if (isAdminToken(token)) return true;
  refuseIfBlocked(await limiter.fail(address));
  return false;
}

function refuseIfBlocked(verdict: AdminRateVerdict): void {
  if (!verdict.blocked) return;
  const { retryAfterSeconds } = verdict;
  throw new TooManyRequestsError(retryAfterSeconds, `Too many failed admin attempts from your address; try again in ${retryAfterSeconds} s`, "too_many_attempts");
}

/** Throws UnauthorizedError (401) unless the request carries the admin token, 429 after too many failures. Call before reading the body. */
export async function requireAdmin(request: Request): Promise<void> {
  if (!getEnv().adminToken) throw new UnauthorizedError("Admin API is disabled: ADMIN_TOKEN is not set", "admin_disabled");
  if (!(await verifyAdminToken(bearerToken(request), clientAddressOf(request)))) throw new UnauthorizedError();
}
