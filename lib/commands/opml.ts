// OPML 2.0 export and import of sources (GET/POST /api/opml).
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { SourceHealth } from "../domain/article";
import { FeedFetchError, ValidationError } from "../domain/errors";
import { CATEGORY_SLUG_MAX_LENGTH, slugify } from "../domain/slug";
import { findSourceIdByFeedUrl, insertSource, isSourceSlugTaken } from "../db/sources";
import { assertFetchableUrl } from "../ingest/fetch";
import { getLogger } from "../log";

/** XML 1.0 allows no control characters but tab, LF and CR, and no lone surrogates: a feed title may carry them. */
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** What an export writes of a source. */
export type OpmlSource = { name: string; feedUrl: string; siteUrl: string | null; category: string };

/**
 * Writes an OPML 2.0 document piece by piece from sources that arrive grouped by category (all of one
 * category together): each category becomes one parent outline, opened when its first source arrives and
 * closed when another category's does. It keeps only the current category, so an export of any size costs
 * one pass and the memory of one batch.
 */
export class OpmlWriter {
  private category: string | null = null;

  head(now = new Date()): string {
    return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>Newswire sources</title>
    <dateCreated>${now.toUTCString()}</dateCreated>
  </head>
  <body>
`;
  }

  add(sources: Iterable<OpmlSource>): string {
    let out = "";
    for (const source of sources) {
      if (source.category !== this.category) {
        if (this.category !== null) out += "    </outline>\n";
        this.category = source.category;
        out += `    <outline text="${escapeXml(source.category)}" title="${escapeXml(source.category)}">\n`;
      }
      const name = escapeXml(source.name);
      const htmlUrl = source.siteUrl ? ` htmlUrl="${escapeXml(source.siteUrl)}"` : "";
      out += `      <outline type="rss" text="${name}" title="${name}" xmlUrl="${escapeXml(source.feedUrl)}"${htmlUrl} category="${escapeXml(source.category)}"/>\n`;
    }
    return out;
  }

  end(): string {
    const close = this.category !== null ? "    </outline>\n" : "";
    this.category = null;
    return `${close}  </body>
</opml>
`;
  }
}

/** The whole document at once, for a list already in memory; categories sorted, grouped in one pass. */
export function exportOpml(sources: SourceHealth[], now = new Date()): string {
  const byCategory = new Map<string, OpmlSource[]>();
  for (const source of sources) {
    const group = byCategory.get(source.category);
    const entry = { name: source.name, feedUrl: source.url, siteUrl: source.siteUrl, category: source.category };
    if (group) group.push(entry);
    else byCategory.set(source.category, [entry]);
  }
  const writer = new OpmlWriter();
  let xml = writer.head(now);
  for (const category of [...byCategory.keys()].sort()) xml += writer.add(byCategory.get(category)!);
  return xml + writer.end();
}

/**
 * GET /api/opml: the document as a byte stream that reads the next batch only when the previous one has
 * been taken (a ReadableStream pulls one chunk ahead), so the document never exists whole in memory and a
 * client that goes away stops the reading. The first batch is read before this resolves: a database that
 * fails at once gives the caller an error to answer with, not a 200 cut short.
 */
export async function exportOpmlStream(batches: AsyncIterable<OpmlSource[]>, now = new Date()): Promise<ReadableStream<Uint8Array>> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  const writer = new OpmlWriter();
  const encoder = new TextEncoder();
  let pending: IteratorResult<OpmlSource[]> | null = first;
  let headWritten = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headWritten) {
          headWritten = true;
          controller.enqueue(encoder.encode(writer.head(now)));
          return;
        }
        let next: IteratorResult<OpmlSource[]>;
        try {
          next = pending ?? (await iterator.next());
        } catch (error) {
          // Headers are gone: the client sees the connection cut, and the log says why.
          getLogger().error({ err: error }, "OPML export failed after it started");
          throw error;
        }
        pending = null;
        if (next.done) {
          controller.enqueue(encoder.encode(writer.end()));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(writer.add(next.value)));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    // One chunk ahead of the reader at most.
    { highWaterMark: 1 },
  );
}

type Outline = { text?: string; title?: string; xmlUrl?: string; htmlUrl?: string; category?: string; outline?: Outline | Outline[] };
export type OpmlEntry = { url: string; name: string | null; siteUrl: string | null; category: string | null };

export const OPML_NOT_WELL_FORMED = "The OPML document is not well-formed XML";

/** Flattens every outline with an xmlUrl; a parent outline without one names the category of its children. */
export function readOpml(xml: string): OpmlEntry[] {
  if (!/<opml[\s>]/i.test(xml)) throw new ValidationError("Body is not an OPML document", "invalid_opml");
  let document: { opml?: { body?: { outline?: Outline | Outline[] } } };
  // The parser alone reads past mismatched tags (`<body></b></body>` gave an empty import, not an error).
  if (XMLValidator.validate(xml) !== true) throw new ValidationError(OPML_NOT_WELL_FORMED, "invalid_opml");
  try {
    document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", processEntities: true, htmlEntities: true }).parse(xml);
  } catch {
    // Never the parser's message: it quotes the input and names the parser's internals.
    throw new ValidationError(OPML_NOT_WELL_FORMED, "invalid_opml");
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
    const category = slugify(entry.category ?? "", CATEGORY_SLUG_MAX_LENGTH) || "general";
    const source = await insertSource({ slug, name, feedUrl: url, siteUrl: entry.siteUrl, category, pollIntervalSeconds: options.pollIntervalSeconds });
    report.imported += 1;
    report.sources.push(source);
  }
  return report;
}
