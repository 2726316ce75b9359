// Server-side /admin sessions (lib/http/admin-session.ts decides what they mean). Rows are keyed by the
// SHA-256 of the cookie's secret, never the secret itself.
import { getDb, type Db } from "./client";

export type AdminSessionRow = { id: string; tokenFingerprint: string; expiresAt: Date };

export async function insertAdminSession(session: AdminSessionRow, db: Db = getDb()): Promise<void> {
  await db.adminSession.create({ data: session, select: { id: true } });
}

export async function findAdminSession(id: string, db: Db = getDb()): Promise<AdminSessionRow | null> {
  return db.adminSession.findUnique({ where: { id }, select: { id: true, tokenFingerprint: true, expiresAt: true } });
}

/** Ends one session (signing out); a session already gone is not an error. */
export async function deleteAdminSession(id: string, db: Db = getDb()): Promise<void> {
  await db.adminSession.deleteMany({ where: { id } });
}

/** Drops sessions that ran out, so the table holds only live ones. Returns how many went. */
export async function deleteExpiredAdminSessions(now: Date, db: Db = getDb()): Promise<number> {
  return (await db.adminSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}
