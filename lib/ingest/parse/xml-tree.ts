// XML to a tree: rss-parser (xml2js + sax) set up to hand back every element we read as raw nodes, and the
// small readers the RSS and Atom mappings use on those nodes.
//
// rss-parser's own item mapping is lossy (no xml:base, one link, no Atom 0.3 dates) and throws on an
// Atom entry with an unparseable <published> or an attribute-less <link>, which would fail a whole
// feed over one field. So it is used for what it does well — XML to a tree, format detection — and
// every field is read from the raw nodes it hands back through `customFields` with `keepArray`.
import Parser from "rss-parser";
import { resolveHttpUrl } from "../../domain/url";

/** Namespaces we read, with the prefix feeds conventionally give them. */
export const NAMESPACES = {
  atom: { uri: "http://www.w3.org/2005/Atom", prefix: "atom" },
  content: { uri: "http://purl.org/rss/1.0/modules/content/", prefix: "content" },
  dc: { uri: "http://purl.org/dc/elements/1.1/", prefix: "dc" },
  dcterms: { uri: "http://purl.org/dc/terms/", prefix: "dcterms" },
  media: { uri: "http://search.yahoo.com/mrss/", prefix: "media" },
  itunes: { uri: "http://www.itunes.com/dtds/podcast-1.0.dtd", prefix: "itunes" },
} as const;
export type Namespace = keyof typeof NAMESPACES;

/**
 * rss-parser's Atom mapping parses these itself and throws on bad values; renamed (to names no XML
 * element can have), it never sees them and we read them raw.
 */
const HIDDEN_FROM_RSS_PARSER: Record<string, string> = { link: "@link", published: "@published", updated: "@updated" };

export type XmlElement = { _?: unknown; $?: Record<string, unknown>; [child: string]: unknown };
export type RawRecord = Record<string, unknown>;

const RAW = "raw:";

/** Qualified names under which a namespaced element may appear in this document. */
export class NameTable {
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly declared: Map<string, Set<string>>) {}

  names(ns: Namespace, local: string): string[] {
    const key = `${ns} ${local}`;
    let names = this.cache.get(key);
    if (!names) {
      names = this.resolve(ns, local);
      this.cache.set(key, names);
    }
    return names;
  }

  private resolve(ns: Namespace, local: string): string[] {
    const { uri, prefix } = NAMESPACES[ns];
    const prefixes = new Set<string>([prefix]);
    for (const variant of [uri, uri.replace(/\/$/, ""), `${uri}/`].map((u) => u.toLowerCase())) {
      for (const p of this.declared.get(variant) ?? []) prefixes.add(p);
    }
    return [...prefixes].map((p) => `${p}:${local}`);
  }
}

const ITEM_PLAIN_FIELDS = [
  ...["$", "title", "@link", "guid", "id", "description", "summary", "content", "author", "category", "enclosure"],
  ...["pubDate", "@published", "@updated", "issued", "modified", "created"],
];
const FEED_PLAIN_FIELDS = ["$", "title", "@link", "author"];

function itemFieldNames(names: NameTable): string[] {
  return [
    ...ITEM_PLAIN_FIELDS,
    ...names.names("content", "encoded"),
    ...names.names("dc", "creator"),
    ...names.names("dc", "author"),
    ...names.names("dc", "title"),
    ...names.names("dc", "description"),
    ...names.names("dc", "date"),
    ...names.names("dc", "subject"),
    ...names.names("dcterms", "modified"),
    ...names.names("media", "thumbnail"),
    ...names.names("media", "content"),
    ...names.names("media", "group"),
    ...names.names("itunes", "image"),
    ...names.names("itunes", "author"),
    ...names.names("itunes", "summary"),
    ...names.names("atom", "link"),
    ...names.names("atom", "category"),
    ...names.names("atom", "published"),
    ...names.names("atom", "updated"),
  ];
}

function feedFieldNames(names: NameTable): string[] {
  return [...FEED_PLAIN_FIELDS, ...names.names("atom", "link"), ...names.names("dc", "title")];
}

function rawFields(qnames: string[]): [string, string, { keepArray: boolean }][] {
  return qnames.map((q) => [q, RAW + q, { keepArray: true }]);
}

export function isElement(node: unknown): node is XmlElement {
  return typeof node === "object" && node !== null && !Array.isArray(node);
}

export function textOf(node: unknown): string {
  if (typeof node === "string") return node;
  if (isElement(node) && typeof node._ === "string") return node._;
  return "";
}

export function attrOf(node: unknown, name: string): string | null {
  if (!isElement(node) || !isElement(node.$)) return null;
  const value = node.$[name];
  return typeof value === "string" ? value : null;
}

/** All raw nodes for any of `qnames` in a record rss-parser built from our customFields. */
export function rawNodes(record: RawRecord, qnames: string[]): unknown[] {
  const nodes: unknown[] = [];
  for (const q of qnames) {
    const value = record[RAW + q];
    if (Array.isArray(value)) nodes.push(...value);
  }
  return nodes;
}

/** Child nodes of a raw element (for nested structures like media:group). */
export function childNodes(node: unknown, qnames: string[]): unknown[] {
  if (!isElement(node)) return [];
  return qnames.flatMap((q) => {
    const value = node[q];
    return Array.isArray(value) ? value : [];
  });
}

export function rawAttributes(record: RawRecord): Record<string, unknown> {
  const attrs = record[RAW + "$"];
  return isElement(attrs) ? attrs : {};
}

export function firstText(nodes: unknown[]): string | null {
  for (const node of nodes) {
    const text = textOf(node).trim();
    if (text) return text;
  }
  return null;
}

/**
 * The xml:base in effect below an element: its own, resolved against its parent's (or, at the top,
 * the document's URL), else the parent's. Null while no xml:base has been seen, so that relative
 * links are left for the normalize stage to resolve against the site.
 */
export function withBase(parent: string | null, xmlBase: unknown, documentUrl: string): string | null {
  if (typeof xmlBase !== "string" || !xmlBase.trim()) return parent;
  return resolveHttpUrl(xmlBase, parent ?? documentUrl) ?? parent;
}

export type RssParserOutput = { items: RawRecord[] } & RawRecord;

/**
 * sax in loose mode upper-cases names, and xml2js can only fold them back to one case; these are the
 * mixed-case names the mapping reads.
 */
const LOOSE_TAG_NAMES: Record<string, string> = { pubdate: "pubDate" };
const LOOSE_ATTRIBUTE_NAMES: Record<string, string> = { ispermalink: "isPermaLink" };

/** rss-parser recognises RSS 1.0 only as `rdf:RDF`, whatever prefix the document bound to RDF. */
function canonicalTagName(name: string): string {
  if (/^[\w.-]+:RDF$/i.test(name)) return "rdf:RDF";
  return HIDDEN_FROM_RSS_PARSER[name] ?? name;
}

export function runRssParser(xml: string, names: NameTable, strict: boolean): Promise<RssParserOutput> {
  const parser = new Parser<RawRecord, RawRecord>({
    defaultRSS: 2,
    xml2js: strict
      ? { tagNameProcessors: [canonicalTagName] }
      : {
          strict: false,
          tagNameProcessors: [(name: string) => canonicalTagName(LOOSE_TAG_NAMES[name.toLowerCase()] ?? name.toLowerCase())],
          attrNameProcessors: [(name: string) => LOOSE_ATTRIBUTE_NAMES[name.toLowerCase()] ?? name.toLowerCase()],
        },
    customFields: {
      // rss-parser's types only admit plain names for feed fields, but its copy accepts the same
      // [from, to, options] tuples at both levels.
      feed: rawFields(feedFieldNames(names)) as unknown as string[],
      item: rawFields(itemFieldNames(names)),
    },
  });
  return parser.parseString(xml) as unknown as Promise<RssParserOutput>;
}
