// Screen-reader announcements for live changes: counted, then spoken at most once per interval through one
// polite region, so a busy news hour does not become a stream of interruptions. No React: `speak` sets the
// region's text.

export type ThrottledAnnouncer<T> = {
  /** Adds things to announce; they are spoken together at the next allowed moment. */
  add(items: T[]): void;
  close(): void;
};

/**
 * `phrase` turns what piled up since the last announcement into one sentence. The same sentence twice in a
 * row is still announced: a trailing no-break space alternates so the region's text always changes.
 */
export function createThrottledAnnouncer<T>(intervalMs: number, phrase: (items: T[]) => string, speak: (text: string) => void): ThrottledAnnouncer<T> {
  let waiting: T[] = [];
  let lastSpokenAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let toggle = false;

  function speakNow() {
    timer = undefined;
    const items = waiting;
    waiting = [];
    if (items.length === 0) return;
    lastSpokenAt = Date.now();
    toggle = !toggle;
    speak(`${phrase(items)}${toggle ? "" : "\u00a0"}`);
  }

  return {
    add(items) {
      if (items.length === 0) return;
      waiting.push(...items);
      if (timer !== undefined) return;
      timer = setTimeout(speakNow, Math.max(0, lastSpokenAt + intervalMs - Date.now()));
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      waiting = [];
    },
  };
}
