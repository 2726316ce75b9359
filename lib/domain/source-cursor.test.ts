import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors";
import { decodeSourceCursor, encodeSourceCursor, MAX_SOURCE_CURSOR_LENGTH, tryDecodeSourceCursor } from "./source-cursor";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("source cursors", () => {
  it("round-trips both orders, names with any characters included", () => {
    expect(decodeSourceCursor(encodeSourceCursor({ order: "id", id: 42 }), "id")).toEqual({ order: "id", id: 42 });
    const name = `Tom & Jerry's "News" <b>/é/漢字/😀`;
    const cursor = encodeSourceCursor({ order: "name", name, id: 7 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSourceCursor(cursor, "name")).toEqual({ order: "name", name, id: 7 });
  });

  it("refuses one order's cursor where the other is expected", () => {
    expect(() => decodeSourceCursor(encodeSourceCursor({ order: "id", id: 1 }), "name")).toThrow(ValidationError);
    expect(() => decodeSourceCursor(encodeSourceCursor({ order: "name", name: "a", id: 1 }), "id")).toThrow(ValidationError);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "a b+c/="],
    ["not JSON", Buffer.from("nope").toString("base64url")],
    ["not an array", b64({ i: 1 })],
    ["a zero id", b64(["i", 0])],
    ["a negative id", b64(["i", -5])],
    ["a fractional id", b64(["i", 1.5])],
    ["an id past 32 bits", b64(["i", 2 ** 31])],
    ["a string id", b64(["i", "1"])],
    ["extra elements", b64(["i", 1, 2])],
    ["a name that is not a string", b64(["n", 5, 1])],
    ["too long", "A".repeat(MAX_SOURCE_CURSOR_LENGTH + 1)],
  ])("refuses %s with a 400 invalid_cursor", (_, cursor) => {
    for (const order of ["id", "name"] as const) {
      let thrown: unknown;
      try {
        decodeSourceCursor(cursor, order);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect(thrown).toMatchObject({ status: 400, code: "invalid_cursor" });
    }
    expect(tryDecodeSourceCursor(cursor, "id")).toBeNull();
    expect(tryDecodeSourceCursor(cursor, "name")).toBeNull();
  });
});
