/** A category's display name from its slug: "science-tech" → "Science Tech". */
export function categoryName(slug: string): string {
  return slug
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}
