// The default sources an empty database starts with: well-known public news feeds across a few categories.
// Run by server.ts on start (only when there are no sources at all); `tsx prisma/seed.ts` runs it by hand.
import { countSources, insertSource } from "../lib/db/sources";
import { slugify } from "../lib/domain/slug";

export const DEFAULT_SOURCES: { name: string; feedUrl: string; siteUrl: string; category: string }[] = [
  { name: "BBC News — World", feedUrl: "https://feeds.bbci.co.uk/news/world/rss.xml", siteUrl: "https://www.bbc.co.uk/news/world", category: "world" },
  { name: "The Guardian — World", feedUrl: "https://www.theguardian.com/world/rss", siteUrl: "https://www.theguardian.com/world", category: "world" },
  { name: "Al Jazeera", feedUrl: "https://www.aljazeera.com/xml/rss/all.xml", siteUrl: "https://www.aljazeera.com", category: "world" },
  { name: "NPR World", feedUrl: "https://feeds.npr.org/1004/rss.xml", siteUrl: "https://www.npr.org/sections/world", category: "world" },
  { name: "Ars Technica", feedUrl: "https://feeds.arstechnica.com/arstechnica/index", siteUrl: "https://arstechnica.com", category: "technology" },
  { name: "The Verge", feedUrl: "https://www.theverge.com/rss/index.xml", siteUrl: "https://www.theverge.com", category: "technology" },
  { name: "Hacker News", feedUrl: "https://hnrss.org/frontpage", siteUrl: "https://news.ycombinator.com", category: "technology" },
  { name: "ScienceDaily", feedUrl: "https://www.sciencedaily.com/rss/all.xml", siteUrl: "https://www.sciencedaily.com", category: "science" },
  { name: "NASA", feedUrl: "https://www.nasa.gov/news-release/feed/", siteUrl: "https://www.nasa.gov", category: "science" },
  { name: "Nature", feedUrl: "https://www.nature.com/nature.rss", siteUrl: "https://www.nature.com", category: "science" },
  { name: "BBC News — Business", feedUrl: "https://feeds.bbci.co.uk/news/business/rss.xml", siteUrl: "https://www.bbc.co.uk/news/business", category: "business" },
  { name: "NPR Business", feedUrl: "https://feeds.npr.org/1006/rss.xml", siteUrl: "https://www.npr.org/sections/business", category: "business" },
];

/** Inserts the default sources when the database has none; returns how many were added. */
export async function seedDefaultSources(pollIntervalSeconds: number): Promise<number> {
  if ((await countSources()) > 0) return 0;
  for (const source of DEFAULT_SOURCES) {
    await insertSource({ ...source, slug: slugify(source.name, 60), pollIntervalSeconds });
  }
  return DEFAULT_SOURCES.length;
}

if (process.argv[1]?.endsWith("seed.ts")) {
  seedDefaultSources(Number(process.env.POLL_INTERVAL_SECONDS) || 300).then(
    (added) => process.stdout.write(`${JSON.stringify({ msg: "seeded default sources", added })}\n`),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
