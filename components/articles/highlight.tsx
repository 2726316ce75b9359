// Marks query words in plain text with React elements (never HTML strings), for search results.
import type { ReactNode } from "react";

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The distinct words of a query, longest first so that "newsroom" wins over "news". */
export function queryTerms(query: string | undefined): string[] {
  if (!query) return [];
  const words = query
    .split(/\s+/)
    .map((word) => word.trim())
    .filter((word) => word.length > 0)
    .slice(0, 8);
  return [...new Set(words.map((word) => word.toLowerCase()))].sort((a, b) => b.length - a.length);
}

export function highlight(text: string, terms: readonly string[]): ReactNode {
  if (terms.length === 0 || text.length === 0) return text;
  const pattern = new RegExp(`(${terms.map(escapeRegExp).join("|")})`, "gi");
  const parts = text.split(pattern);
  if (parts.length === 1) return text;
  // split() with one capture group alternates: unmatched, matched, unmatched, …
  return parts.map((part, index) => (index % 2 === 1 ? <mark key={index}>{part}</mark> : part));
}
