import { getStoryBySlug } from "@/lib/queries/stories";
import { jsonError, withErrors } from "@/lib/http/json-error";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (_request: Request, { params }: { params: Promise<{ slug: string }> }) => {
  const { slug } = await params;
  const found = await getStoryBySlug(slug);
  if (!found) return jsonError(404, "not_found", "No story with that slug");
  // A merged story's old slug answers with the story it became (its `path` is the new address).
  return Response.json({ story: found.story }, { headers: { "cache-control": "no-store" } });
});
