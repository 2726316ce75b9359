// What arrives over the wire is checked before it reaches a list: a malformed event is dropped, not rendered.
import type { Article } from "@/lib/domain/article";
import type { Story } from "@/lib/domain/story";
import { tryDecodeCursor } from "@/lib/domain/cursor";

export function isArticle(value: unknown): value is Article {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Article>;
  return (
    typeof candidate.id === "number" &&
    typeof candidate.cursor === "string" &&
    typeof candidate.title === "string" &&
    typeof candidate.path === "string" &&
    typeof candidate.source === "object" &&
    candidate.source !== null
  );
}

export function isStory(value: unknown): value is Story {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Story>;
  return (
    typeof candidate.id === "number" &&
    typeof candidate.slug === "string" &&
    typeof candidate.path === "string" &&
    typeof candidate.title === "string" &&
    typeof candidate.sourceCount === "number" &&
    typeof candidate.updatedAt === "string" &&
    Array.isArray(candidate.articles) &&
    candidate.articles.every(isArticle)
  );
}

/** Whether `candidate` comes after `current` in ingestion order. */
export function isNewerCursor(candidate: string, current: string | undefined): boolean {
  if (current === undefined) return true;
  const a = tryDecodeCursor(candidate);
  const b = tryDecodeCursor(current);
  // Cursors are opaque; when either is not one we can order, trust arrival order (the server sends in order).
  return a === undefined || b === undefined || a > b;
}

/** The older of two cursors (undefined = "no cursor", which loses to any cursor). */
export function olderCursor(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return isNewerCursor(a, b) ? b : a;
}
