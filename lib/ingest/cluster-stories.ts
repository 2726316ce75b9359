// After new articles are published: group each with the same story from other sources. Off the publish
// path on purpose: readers get the article first, its "also covered by" links a moment later.
import type { Logger } from "pino";
import type { Article } from "../domain/article";
import { assignStoryClusters } from "../db/clusters";

export async function clusterNewArticles(articles: Article[], logger: Logger): Promise<void> {
  try {
    await assignStoryClusters(articles.map((article) => article.id));
  } catch (error) {
    logger.warn({ err: error, articles: articles.length }, "story clustering failed; articles stay unclustered");
  }
}
