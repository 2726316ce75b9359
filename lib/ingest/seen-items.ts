// What each source's feed held at its last successful check, as fingerprints of the raw entries. A feed
// mostly repeats itself: a check that finds one new story among 50 used to normalize and sanitize all 50
// and look each up in the database (7 + 12 ms on a 70-entry feed, most of the time from a publisher's
// refresh to readers). An entry byte-for-byte identical to one already stored from the same source would
// come out of those stages unchanged, so it is skipped; anything that differs in any field goes through.
//
// Per process and forgotten on restart: the first check after a start looks at everything again. With several
// instances a source's checks move between them, so a memory is trusted only when the source's last
// successful check (lastSuccessAt in the database) is the one this process remembers: if another instance
// checked it since, the entries may have changed and changed back, and skipping them could keep a stale
// version. Then everything is looked at again, as after a restart.
import { createHash } from "node:crypto";
import type { ParsedItem } from "../domain/feed";

/** One check's view of its source's memory. */
export type SeenCheck = {
  /** Fingerprints of the entries this source's last check had, when that check can be trusted (see above). */
  seen: ReadonlySet<string> | undefined;
  /** After the entries are stored: remember exactly this check's entries, under this check's time. */
  remember(fingerprints: string[]): void;
};

export type SeenItems = {
  /** `lastSuccessAt`: the source's last successful check as the database has it; `checkedAt`: this check. */
  forCheck(sourceId: number, lastSuccessAt: Date | null, checkedAt: Date): SeenCheck;
  /** This process's check found the feed unchanged (304): the memory holds, under the new check time. */
  notModified(sourceId: number, lastSuccessAt: Date | null, checkedAt: Date): void;
  forget(sourceId: number): void;
};

function fingerprintItem(item: ParsedItem): string {
  return createHash("sha1").update(JSON.stringify(item)).digest("base64");
}

/** The entries of `items` not among `seen` (all of them without a memory), in feed order, and every entry's fingerprint. */
export function unseenItems(items: ParsedItem[], seen: ReadonlySet<string> | undefined): { items: ParsedItem[]; fingerprints: string[] } {
  const fingerprints = items.map(fingerprintItem);
  return { items: seen ? items.filter((_, i) => !seen.has(fingerprints[i])) : items, fingerprints };
}

export function createSeenItems(): SeenItems {
  const bySource = new Map<number, { fingerprints: Set<string>; checkedAt: number }>();

  /** The memory, if it is of the check the database says was the last one. */
  function trusted(sourceId: number, lastSuccessAt: Date | null): Set<string> | undefined {
    const memory = bySource.get(sourceId);
    if (!memory) return undefined;
    if (lastSuccessAt === null || memory.checkedAt !== lastSuccessAt.getTime()) {
      bySource.delete(sourceId);
      return undefined;
    }
    return memory.fingerprints;
  }

  return {
    forCheck(sourceId, lastSuccessAt, checkedAt) {
      return {
        seen: trusted(sourceId, lastSuccessAt),
        remember(fingerprints) {
          bySource.set(sourceId, { fingerprints: new Set(fingerprints), checkedAt: checkedAt.getTime() });
        },
      };
    },
    notModified(sourceId, lastSuccessAt, checkedAt) {
      const seen = trusted(sourceId, lastSuccessAt);
      if (seen) bySource.set(sourceId, { fingerprints: seen, checkedAt: checkedAt.getTime() });
    },
    forget(sourceId) {
      bySource.delete(sourceId);
    },
  };
}
