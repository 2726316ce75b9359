/**
 * Turns what a reader typed into a safe FTS5 MATCH expression: every word quoted (so operators and
 * punctuation cannot change the query's meaning), all words required, the last one as a prefix so
 * results appear while typing. Returns null when nothing searchable is left.
 */
export function toFtsQuery(input: string, maxTerms = 8): string | null {
  const terms = searchTerms(input).slice(0, maxTerms);
  if (terms.length === 0) return null;
  return terms.map((term, index) => `"${term}"${index === terms.length - 1 && term.length >= 2 ? "*" : ""}`).join(" ");
}

/** The words of a query, as the highlighter and the FTS query both see them. */
export function searchTerms(input: string): string[] {
  return (input.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []).map((term) => term.toLowerCase());
}
