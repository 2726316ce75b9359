// Names for feeds, sources and title words that no other test in this process (nor a repeated run) uses.

let unique = 0;

/** `<prefix>-<time><counter>`: `[a-z0-9-]` when the prefix is, fit for feed names and slugs. */
export function uniqueName(prefix: string): string {
  unique += 1;
  return `${prefix}-${Date.now().toString(36)}${unique}`;
}

/**
 * A made-up place name no other test in this run uses, in letters only, so the story matcher reads it as one
 * word. Digits become letters rather than being dropped: dropping them could make two names alike.
 */
export function uniquePlaceName(): string {
  const letters = uniqueName("x").replace(/[0-9]/g, (digit) => String.fromCharCode(97 + Number(digit))).replace(/[^a-z]/g, "");
  return `Port${letters}`;
}
