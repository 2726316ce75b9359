// The public cursor is opaque to clients; inside, it is the article's ingestion sequence number.
import { ValidationError } from "./errors";

export function encodeCursor(sequence: number): string {
  return sequence.toString(10);
}

/** Returns the ingestion sequence, or throws ValidationError for anything that is not a cursor we issued. */
export function decodeCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw new ValidationError("cursor is not a valid cursor", "invalid_cursor");
  return Number(cursor);
}

/** Like decodeCursor, but for headers and query strings where a bad value should just mean "no cursor". */
export function tryDecodeCursor(cursor: string | null | undefined): number | undefined {
  if (!cursor || !/^\d{1,15}$/.test(cursor)) return undefined;
  return Number(cursor);
}
