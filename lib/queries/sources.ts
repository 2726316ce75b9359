import { listSourcesWithHealth, findSourceHealthBySlug, listCategories } from "../db/sources";
import type { SourceHealth } from "../domain/article";
import { categoryName } from "../domain/category";

export async function getSources(): Promise<SourceHealth[]> {
  return listSourcesWithHealth();
}

export async function getSourceBySlug(slug: string): Promise<SourceHealth | null> {
  if (!/^[a-z0-9-]{1,100}$/.test(slug)) return null;
  return findSourceHealthBySlug(slug);
}

export type CategorySummary = { slug: string; name: string; sourceCount: number };

export { categoryName };

export async function getCategories(): Promise<CategorySummary[]> {
  const categories = await listCategories();
  return categories.map((category) => ({ ...category, name: categoryName(category.slug) }));
}
