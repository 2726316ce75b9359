// Links and labels for cards, which render in the browser too: only lib/domain here, never lib/queries.
import { categoryName } from "@/lib/domain/category";

export const categoryLabel = categoryName;

export function categoryHref(slug: string): string {
  return `/categories/${encodeURIComponent(slug)}`;
}

export function sourceHref(slug: string): string {
  return `/sources/${encodeURIComponent(slug)}`;
}
