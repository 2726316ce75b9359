import { formatAbsoluteTime, formatRelativeTime } from "./format-time";

/** "5 min ago" with the exact time in `dateTime` and as a tooltip. Deterministic for a given `now`. */
export function TimeAgo({ iso, now, className }: { iso: string; now: number; className?: string }) {
  return (
    <time dateTime={iso} title={formatAbsoluteTime(iso)} className={className}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}
