import { queryTopStories } from "@/lib/queries/stories";
import { withErrors } from "@/lib/http/json-error";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const page = await queryTopStories({ limit: params.get("limit") ?? undefined, cursor: params.get("cursor") ?? undefined });
  return Response.json(page, { headers: { "cache-control": "no-store" } });
});
