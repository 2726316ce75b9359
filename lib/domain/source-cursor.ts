// Opaque cursors for paging through sources by keyset (never OFFSET: skipping 9,900 rows costs as much as
// reading them). Two orders, each with its own cursor kind so that one cannot be passed where the other is
// expected:
//   "id"   – the API's order: ids never change and new sources always come last, so a client walking every
//            page sees each source once even while sources are added (docs/decisions/0011);
//   "name" – the /sources page's order, alphabetical as readers scan it; the id breaks ties between names.
// On the wire a cursor is base64url of a small JSON array. Clients must treat it as opaque.
import { ValidationError } from "./errors";

export type SourceKey = { order: "id"; id: number } | { order: "name"; name: string; id: number };

/** Longer than any cursor we issue (names are at most a few hundred characters), so a huge one is refused unread. */
export const MAX_SOURCE_CURSOR_LENGTH = 1024;
const MAX_ID = 2 ** 31 - 1;

export function encodeSourceCursor(key: SourceKey): string {
  const payload = key.order === "id" ? ["i", key.id] : ["n", key.name, key.id];
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

const invalid = () => new ValidationError("cursor is not a valid cursor", "invalid_cursor");

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

/**
 * The key a cursor we issued stands for, in the order the caller pages by. Anything else — not base64url,
 * not our JSON, another order's cursor, out-of-range ids — is a ValidationError (400 in the API).
 */
export function decodeSourceCursor<O extends SourceKey["order"]>(cursor: string, order: O): Extract<SourceKey, { order: O }> {
  if (cursor.length === 0 || cursor.length > MAX_SOURCE_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(payload)) throw invalid();
  if (order === "id" && payload.length === 2 && payload[0] === "i" && isId(payload[1])) {
    return { order: "id", id: payload[1] } as Extract<SourceKey, { order: O }>;
  }
  if (order === "name" && payload.length === 3 && payload[0] === "n" && typeof payload[1] === "string" && isId(payload[2])) {
    return { order: "name", name: payload[1], id: payload[2] } as Extract<SourceKey, { order: O }>;
  }
  throw invalid();
}

/** For page URLs, where a cursor that is not ours should mean "no such page" rather than an error. */
export function tryDecodeSourceCursor<O extends SourceKey["order"]>(cursor: string, order: O): Extract<SourceKey, { order: O }> | null {
  try {
    return decodeSourceCursor(cursor, order);
  } catch {
    return null;
  }
}
