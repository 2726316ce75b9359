import { createHash } from "node:crypto";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A short base36 digest for slugs and keys; collisions are harmless where it is used (slugs carry words too). */
export function shortHash(text: string, length = 10): string {
  const digest = createHash("sha256").update(text).digest();
  return BigInt(`0x${digest.subarray(0, 10).toString("hex")}`).toString(36).padStart(length, "0").slice(0, length);
}
