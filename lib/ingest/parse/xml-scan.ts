// Character-level helpers shared by the sniffer and the XML preparation pass: both walk raw text before any
// parser sees it, so they must agree on where a tag, a comment or a DOCTYPE ends.

/** Index just past `terminator` searched from `from`, or the end of the text. */
export function endOf(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? text.length : at + terminator.length;
}

/** Skips `<!DOCTYPE …>` including an internal subset `[…]` whose entity values may hold `>`. */
export function skipDeclaration(text: string, start: number): number {
  let quote: string | null = null;
  let bracket = 0;
  for (let i = start + 2; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === "[") {
      bracket++;
    } else if (ch === "]") {
      bracket = Math.max(0, bracket - 1);
    } else if (ch === ">" && bracket === 0) {
      return i + 1;
    }
  }
  return text.length;
}

/** Index just past the `>` closing the tag that starts at `start` (quotes respected), or -1. */
export function tagEnd(text: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ">") {
      return i + 1;
    } else if (ch === "<") {
      return -1;
    }
  }
  return -1;
}
