// Date formatting that gives the same string on the server and in any browser: no locale or time-zone
// dependent Intl calls, so a server-rendered card and its hydrated twin never disagree.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function toDate(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "5 min ago", "3 h ago", "2 days ago", then "24 Nov 2026". `now` is passed in so both renders agree. */
export function formatRelativeTime(iso: string, now: number): string {
  const date = toDate(iso);
  if (!date) return "";
  const elapsed = now - date.getTime();
  if (elapsed < MINUTE) return "just now";
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  if (elapsed < 7 * DAY) {
    const days = Math.floor(elapsed / DAY);
    return days === 1 ? "yesterday" : `${days} days ago`;
  }
  return formatShortDate(iso);
}

/** "24 Nov 2026" (UTC). */
export function formatShortDate(iso: string): string {
  const date = toDate(iso);
  if (!date) return "";
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** "24 November 2026, 19:58 UTC". */
export function formatAbsoluteTime(iso: string): string {
  const date = toDate(iso);
  if (!date) return "";
  return `${date.getUTCDate()} ${MONTHS_LONG[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )} UTC`;
}
