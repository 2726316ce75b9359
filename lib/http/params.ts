import { ValidationError } from "../domain/errors";

/** Route ids are positive integers; anything else is a 400 with the JSON error shape. */
export function parseId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw)) throw new ValidationError(`"${raw.slice(0, 40)}" is not a source id`, "invalid_id");
  return Number(raw);
}
