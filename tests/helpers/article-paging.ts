// Paging through the articles as pages and the API do (nextCursor back as the next page's start), for
// repository tests on either engine.
import { listArticles } from "../../lib/db/articles";

/** Every article's id, newest first, read `pageSize` at a time until a page has no nextCursor. */
export async function articleIdsPageByPage(pageSize: number): Promise<number[]> {
  const seen: number[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await listArticles({ limit: pageSize, beforeSequence: before });
    seen.push(...page.articles.map((a) => a.id));
    if (!page.nextCursor) return seen;
    before = Number(page.nextCursor);
  }
}
