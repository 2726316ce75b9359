import { describe, expect, it } from "vitest";
import { createAdminSession, isValidAdminSession } from "./admin-session";

describe("admin session cookie", () => {
  const token = "the-admin-token";

  it("accepts its own session until it expires", () => {
    const now = Date.UTC(2026, 0, 1);
    const session = createAdminSession(token, now);
    expect(isValidAdminSession(session, token, now + 1000)).toBe(true);
    expect(isValidAdminSession(session, token, now + 9 * 3600 * 1000)).toBe(false);
  });

  it("refuses forged, tampered or foreign sessions and sessions from an old token", () => {
    const session = createAdminSession(token);
    const [expiry, mac] = session.split(".");
    expect(isValidAdminSession(`${Number(expiry) + 1000}.${mac}`, token)).toBe(false);
    expect(isValidAdminSession(session, "a-new-admin-token")).toBe(false);
    expect(isValidAdminSession(session, undefined)).toBe(false);
    expect(isValidAdminSession("", token)).toBe(false);
    expect(isValidAdminSession("9999999999999.AAAA", token)).toBe(false);
    expect(session).not.toContain(token);
  });
});
