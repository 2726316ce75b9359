// Turns a source's fetch state into words a reader understands. Pure: used by server pages.
import type { SourceHealth } from "@/lib/domain/article";

export type HealthStatus = "ok" | "failing" | "pending";

export function sourceStatus(source: Pick<SourceHealth, "lastFetchedAt" | "lastError" | "errorCount">): HealthStatus {
  if (source.lastError || source.errorCount > 0) return "failing";
  if (!source.lastFetchedAt) return "pending";
  return "ok";
}

const EXPLANATIONS: [RegExp, string | ((match: RegExpMatchArray) => string)][] = [
  [/timed? ?out|timeout|ETIMEDOUT|aborted/i, "The site took too long to answer."],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo|dns/i, "The site’s address could not be found."],
  [/ECONNREFUSED/i, "The site refused the connection."],
  [/ECONNRESET|socket hang up|other side closed/i, "The connection to the site was cut off."],
  [/certificate|CERT_|TLS|SSL/i, "The site’s security certificate could not be verified."],
  [/blocked_address|private|loopback|not allowed|forbidden address/i, "The feed’s address is not allowed (it points to a private network)."],
  [/too_large|too large|size limit|exceeds/i, "The feed is larger than we accept."],
  [/redirect/i, "The feed redirects too many times or to a place we cannot follow."],
  [/\b(?:HTTP|status)\D{0,3}(404|410)\b/i, "The feed is no longer at this address (not found)."],
  [/\b(?:HTTP|status)\D{0,3}(401|403)\b/i, "The site refuses to give us the feed (access denied)."],
  [/\b(?:HTTP|status)\D{0,3}429\b/i, "The site asked us to slow down; we will try again later."],
  [/\b(?:HTTP|status)\D{0,3}(5\d\d)\b/i, (match) => `The site is having trouble (it answered with error ${match[1]}).`],
  [/\b(?:HTTP|status)\D{0,3}(\d{3})\b/i, (match) => `The site answered with an unexpected status (${match[1]}).`],
  [/not_a_feed|not a feed|parse|xml|unexpected (token|end)|invalid/i, "The address no longer serves a feed we can read."],
];

/** A plain-words reason for the last failure. */
export function explainFetchError(raw: string | null): string {
  if (!raw) return "The last check failed.";
  for (const [pattern, explanation] of EXPLANATIONS) {
    const match = raw.match(pattern);
    if (match) return typeof explanation === "string" ? explanation : explanation(match);
  }
  return "The last check failed.";
}
