// OPML 2.0 export and import of sources (GET/POST /api/opml).
import { XMLParser } from "fast-xml-parser";
import type { SourceHealth } from "../domain/article";
import { FeedFetchError, ValidationError } from "../domain/errors";
import { slugify } from "../domain/slug";
import { findSourceIdByFeedUrl, insertSource, isSourceSlugTaken } from "../db/sources";
import { assertFetchableUrl } from "../ingest/fetch-feed";

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function exportOpml(sources: SourceHealth[], now = new Date()): string {
  const byCategory = new Map<string, SourceHealth[]>();
  for (const source of sources) byCategory.set(source.category, [...(byCategory.get(source.category) ?? []), source]);
  const groups = [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, members]) => {
      const outlines = members
        .map((s) => `      <outline type="rss" text="${escapeXml(s.name)}" title="${escapeXml(s.name)}" xmlUrl="${escapeXml(s.url)}"${s.siteUrl ? ` htmlUrl="${escapeXml(s.siteUrl)}"` : ""} category="${escapeXml(category)}"/>`)
        .join("\n");
      return `    <outline text="${escapeXml(category)}" title="${escapeXml(category)}">\n${outlines}\n    </outline>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>Newswire sources</title>
    <dateCreated>${now.toUTCString()}</dateCreated>
  </head>
  <body>
${groups}
  </body>
</opml>
`;
}

type Outline = { text?: string; title?: string; xmlUrl?: string; htmlUrl?: string; category?: string; outline?: Outline | Outline[] };
export type OpmlEntry = { url: string; name: string | null; siteUrl: string | null; category: string | null };

/** Flattens every outline with an xmlUrl; a parent outline without one names the category of its children. */
export function readOpml(xml: string): OpmlEntry[] {
  if (!/<opml[\s>]/i.test(xml)) throw new ValidationError("Body is not an OPML document", "invalid_opml");
  let document: { opml?: { body?: { outline?: Outline | Outline[] } } };
  try {
    document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", processEntities: true, htmlEntities: true }).parse(xml);
  } catch (error) {
    throw new ValidationError(`OPML is not well-formed XML: ${(error as Error).message}`, "invalid_opml");
  }
  const entries: OpmlEntry[] = [];
  const visit = (node: Outline | Outline[] | undefined, parentCategory: string | null) => {
    if (!node) return;
    for (const outline of Array.isArray(node) ? node : [node]) {
      if (typeof outline !== "object" || outline === null) continue;
      const label = outline.title || outline.text || null;
      if (outline.xmlUrl) {
        const category = outline.category?.split(",")[0]?.replace(/^\//, "") || parentCategory;
        entries.push({ url: String(outline.xmlUrl).trim(), name: label ? String(label) : null, siteUrl: outline.htmlUrl ? String(outline.htmlUrl) : null, category });
      }
      visit(outline.outline, outline.xmlUrl ? parentCategory : label ? String(label) : parentCategory);
    }
  };
  visit(document.opml?.body?.outline, null);
  return entries;
}

export type ImportReport = {
  imported: number;
  skipped: number;
  sources: SourceHealth[];
  skippedEntries: { url: string; reason: string }[];
};

export async function importOpml(xml: string, options: { allowPrivate: boolean; pollIntervalSeconds: number; maxEntries?: number }): Promise<ImportReport> {
  const entries = readOpml(xml);
  const report: ImportReport = { imported: 0, skipped: 0, sources: [], skippedEntries: [] };
  const skip = (url: string, reason: string) => {
    report.skipped += 1;
    report.skippedEntries.push({ url, reason });
  };
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    if (index >= (options.maxEntries ?? 2000)) {
      skip(entry.url, "too many entries in one import");
      continue;
    }
    let url: string;
    try {
      url = new URL(entry.url).toString();
      if (!["http:", "https:"].includes(new URL(url).protocol)) throw new Error("not http(s)");
    } catch {
      skip(entry.url, "not an absolute http(s) URL");
      continue;
    }
    if (seen.has(url) || (await findSourceIdByFeedUrl(url)) !== null) {
      skip(url, "already a source");
      continue;
    }
    seen.add(url);
    try {
      await assertFetchableUrl(url, options.allowPrivate);
    } catch (error) {
      skip(url, error instanceof FeedFetchError ? `not allowed: ${error.message}` : "could not be checked");
      continue;
    }
    const name = (entry.name || new URL(url).hostname).slice(0, 120);
    let slug = slugify(name, 60) || "source";
    for (let n = 2; await isSourceSlugTaken(slug); n++) slug = `${slugify(name, 60) || "source"}-${n}`;
    const category = slugify(entry.category ?? "", 40) || "general";
    const source = await insertSource({ slug, name, feedUrl: url, siteUrl: entry.siteUrl, category, pollIntervalSeconds: options.pollIntervalSeconds });
    report.imported += 1;
    report.sources.push(source);
  }
  return report;
}
