import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { findAdminSession } from "../db/admin-sessions";
import { createAdminSession, endAdminSession, isValidAdminSession } from "./admin-session";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
beforeAll(async () => {
  database = await useTestDatabase("admin-session");
});
afterAll(async () => database.cleanup());

describe("admin sessions", () => {
  const token = "the-admin-token-of-24-characters";

  it("accepts its own session until it expires", async () => {
    const now = Date.now();
    const session = await createAdminSession(token, now);
    expect(await isValidAdminSession(session, token, now + 1000)).toBe(true);
    expect(await isValidAdminSession(session, token, now + 9 * 3600 * 1000)).toBe(false);
  });

  it("refuses forged or foreign sessions and sessions from an old token, and stores neither token nor secret", async () => {
    const session = await createAdminSession(token);
    expect(await isValidAdminSession(session, "a-new-admin-token-of-24-chars")).toBe(false);
    expect(await isValidAdminSession(session, undefined)).toBe(false);
    expect(await isValidAdminSession("", token)).toBe(false);
    expect(await isValidAdminSession("A".repeat(43), token)).toBe(false);
    expect(await isValidAdminSession(`${session}x`, token)).toBe(false);
    expect(session).not.toContain(token);
    expect(await findAdminSession(session)).toBeNull();
  });

  it("ends a session on sign-out, for every holder of the cookie", async () => {
    const session = await createAdminSession(token);
    expect(await isValidAdminSession(session, token)).toBe(true);
    await endAdminSession(session);
    // The same cookie, replayed (another browser, another instance): no longer signed in.
    expect(await isValidAdminSession(session, token)).toBe(false);
    await endAdminSession(session);
  });
});
