// What a response's headers say about time: how long it may be reused (Cache-Control/Expires) and when a
// busy server wants to be asked again (Retry-After). The poll schedule and the backoff read these.

/** Seconds from `Retry-After` (delta-seconds or an HTTP-date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = parseHttpDate(trimmed);
  if (date === null) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * How long the response may be reused: Cache-Control max-age, else Expires relative to the server's Date.
 * s-maxage is for shared caches and a feed reader is a private one, so it is ignored.
 */
export function parseCacheMaxAge(headers: Record<string, string>, now: number = Date.now()): number | null {
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(headers["cache-control"] ?? "");
  if (maxAge) return Number(maxAge[1]);
  const expiresHeader = headers["expires"];
  if (expiresHeader === undefined) return null;
  const expires = parseHttpDate(expiresHeader);
  // RFC 9111 §5.3: an invalid Expires (commonly "0" or "-1") means already expired.
  if (expires === null) return 0;
  const base = parseHttpDate(headers["date"] ?? "") ?? now; // the server's own clock avoids skew
  return Math.max(0, Math.floor((expires - base) / 1000));
}

// The three HTTP-date forms of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime). Checked before Date.parse
// because V8's parser also accepts things like "-5" or "0" as dates.
const HTTP_DATE = [
  /^[a-z]{3}, \d{2} [a-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/i,
  /^[a-z]{6,9}, \d{2}-[a-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/i,
  /^[a-z]{3} [a-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/i,
];

function parseHttpDate(value: string): number | null {
  const trimmed = value.trim();
  if (!HTTP_DATE.some((form) => form.test(trimmed))) return null;
  const time = Date.parse(trimmed.endsWith("GMT") ? trimmed : `${trimmed} GMT`);
  return Number.isNaN(time) ? null : time;
}
