// Names for feeds, sources and title words that no other test in this process (nor a repeated run) uses.

let unique = 0;

/** `<prefix>-<time><counter>`: `[a-z0-9-]` when the prefix is, fit for feed names and slugs. */
export function uniqueName(prefix: string): string {
  unique += 1;
  return `${prefix}-${Date.now().toString(36)}${unique}`;
}
