// URL helpers shared by ingestion and the read side. Pure: WHATWG `URL` only.

const WEB_PROTOCOLS = new Set(["http:", "https:"]);

/**
 * Resolves `ref` against `base` and returns it only if the result is an http(s) URL.
 * The WHATWG parser strips the tabs, newlines and leading control characters that browsers also
 * ignore, so `jav&#x09;ascript:` and ` javascript:` are recognised for what they are and refused.
 */
export function resolveHttpUrl(ref: string | null | undefined, base?: string | null): string | null {
  if (ref == null) return null;
  const trimmed = ref.trim();
  if (!trimmed) return null;
  try {
    const url = base ? new URL(trimmed, base) : new URL(trimmed);
    return WEB_PROTOCOLS.has(url.protocol) && url.hostname ? url.href : null;
  } catch {
    return null;
  }
}

/** True when `value` is by itself an absolute http(s) URL (used for RSS guids that double as links). */
export function isAbsoluteHttpUrl(value: string | null | undefined): boolean {
  return value != null && /^\s*https?:\/\//i.test(value) && resolveHttpUrl(value) !== null;
}

/**
 * Query parameters that only say how a reader arrived, never which page it is. Compared lower-cased.
 * Kept deliberately short: a parameter wrongly listed here merges two different articles.
 */
const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "twclid",
  "mc_cid",
  "mc_eid",
  "ref",
  "ref_src",
  "ref_url",
  "cmpid",
  "ocid",
  "at_medium",
  "at_campaign",
  "at_custom1",
  "at_custom2",
  "at_custom3",
  "at_custom4",
  "_ga",
  "_gl",
  "igshid",
  "spm",
  "_hsenc",
  "_hsmi",
  "mkt_tok",
  "smid",
  "xtor",
  "wt_mc",
  "wt_zmc",
  "ns_mchannel",
  "ns_source",
  "ns_campaign",
  "ns_linkname",
  "ns_fee",
  "sr_share",
  "vero_id",
  "oly_anon_id",
  "oly_enc_id",
  "rb_clickid",
  "__twitter_impression",
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * A comparison key for "is this the same article?": `example.com/path?a=1&b=2`.
 * Scheme, `www.`, default ports, credentials, fragments, tracking parameters, parameter order and a
 * trailing slash make no difference. Returns null for anything that is not an http(s) URL.
 */
export function normalizeArticleUrl(url: string): string | null {
  const absolute = resolveHttpUrl(url);
  if (!absolute) return null;
  const parsed = new URL(absolute);

  const host = parsed.hostname.replace(/^www\./, "").replace(/\.$/, "");
  // `URL` already drops the port when it is the default for its own scheme; since the key ignores the
  // scheme, also drop the other web default (http://x:443 and https://x:80 are mistakes in practice).
  const port = parsed.port && parsed.port !== "80" && parsed.port !== "443" ? `:${parsed.port}` : "";

  let path = parsed.pathname;
  if (path.length > 1) path = path.replace(/\/+$/, "") || "/";

  const kept = new URLSearchParams();
  for (const [name, value] of parsed.searchParams) {
    if (!isTrackingParam(name)) kept.append(name, value);
  }
  kept.sort();
  const query = kept.toString();

  // A hash-bang fragment is a route in old single-page sites, not an anchor: it names a different page.
  const fragment = parsed.hash.startsWith("#!") ? parsed.hash : "";

  return `${host}${port}${path}${query ? `?${query}` : ""}${fragment}`;
}
