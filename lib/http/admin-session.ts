// The /admin sign-in: the admin token, once checked, becomes an httpOnly, SameSite=Strict session cookie
// holding an expiry and an HMAC of it keyed by the token. Changing ADMIN_TOKEN signs everyone out; the
// token itself never leaves the server again.
import { createHmac, timingSafeEqual } from "node:crypto";

export const ADMIN_SESSION_COOKIE = "newswire_admin";
export const ADMIN_SESSION_SECONDS = 8 * 3600;

function sign(token: string, expiresAt: number): string {
  return createHmac("sha256", token).update(`newswire-admin-session:${expiresAt}`).digest("base64url");
}

export function createAdminSession(token: string, now = Date.now()): string {
  const expiresAt = now + ADMIN_SESSION_SECONDS * 1000;
  return `${expiresAt}.${sign(token, expiresAt)}`;
}

export function isValidAdminSession(value: string | undefined, token: string | undefined, now = Date.now()): boolean {
  if (!value || !token) return false;
  const match = value.match(/^(\d{13})\.([A-Za-z0-9_-]{43})$/);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt <= now) return false;
  const expected = Buffer.from(sign(token, expiresAt));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
