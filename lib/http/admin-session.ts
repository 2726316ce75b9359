// The /admin sign-in: once the admin token is checked, the browser gets an httpOnly, SameSite=Strict cookie
// holding a random secret, and the database a row for it (lib/db/admin-sessions.ts) — server-side sessions,
// so that signing out ends the session on every instance sharing the database, not just in this browser
// (docs/decisions/0007). A row remembers a fingerprint of the token it was made with: changing ADMIN_TOKEN
// signs everyone out. Neither the token nor the secret is stored.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { deleteAdminSession, deleteExpiredAdminSessions, findAdminSession, insertAdminSession } from "../db/admin-sessions";

export const ADMIN_SESSION_COOKIE = "newswire_admin";
export const ADMIN_SESSION_SECONDS = 8 * 3600;

/** 32 random bytes, base64url: what the cookie holds. Anything else is not looked up at all. */
const SESSION_VALUE = /^[A-Za-z0-9_-]{43}$/;

function sessionId(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

function tokenFingerprint(token: string): string {
  return createHmac("sha256", token).update("newswire-admin-session").digest("hex");
}

/** Starts a session for a caller who has just shown the token; returns the cookie value. */
export async function createAdminSession(token: string, now = Date.now()): Promise<string> {
  const value = randomBytes(32).toString("base64url");
  await deleteExpiredAdminSessions(new Date(now));
  await insertAdminSession({ id: sessionId(value), tokenFingerprint: tokenFingerprint(token), expiresAt: new Date(now + ADMIN_SESSION_SECONDS * 1000) });
  return value;
}

/** Whether the cookie value names a live session made with the current token. */
export async function isValidAdminSession(value: string | undefined, token: string | undefined, now = Date.now()): Promise<boolean> {
  if (!value || !token || !SESSION_VALUE.test(value)) return false;
  const row = await findAdminSession(sessionId(value));
  return row !== null && row.expiresAt.getTime() > now && row.tokenFingerprint === tokenFingerprint(token);
}

/** Signing out: the session is gone for every instance; the cookie alone is worth nothing afterwards. */
export async function endAdminSession(value: string | undefined): Promise<void> {
  if (value && SESSION_VALUE.test(value)) await deleteAdminSession(sessionId(value));
}
