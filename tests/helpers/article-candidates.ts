// Feed entries as the ingestion pipeline hands them to lib/db/article-writes.ts, for repository tests on either
// engine. Each call gives a new entry (its own GUID, link, title and content) unless overridden.
import type { ArticleCandidate } from "../../lib/domain/feed";
import { sha256Hex } from "../../lib/domain/hash";

export type CandidateFactory = (overrides?: Partial<ArticleCandidate>) => ArticleCandidate;

/** A numbering of its own per factory, so dedupe keys never collide within one test file's database. */
export function createCandidateFactory(): CandidateFactory {
  let n = 0;
  return (overrides = {}) => {
    n += 1;
    const title = overrides.title ?? `Story number ${n}`;
    const summary = overrides.summary ?? `Summary ${n}`;
    const url = overrides.url ?? `https://alpha.example/stories/${n}`;
    return {
      dedupeKey: `g:${n}`,
      title,
      url,
      normalizedUrl: url.replace(/^https?:\/\//, ""),
      summary,
      contentHtml: "",
      contentHash: sha256Hex(`${title}\u0000${summary}`),
      imageUrl: null,
      author: null,
      publishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
      updatedAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
      ...overrides,
    };
  };
}
