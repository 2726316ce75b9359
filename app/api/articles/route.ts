import { queryArticles } from "@/lib/queries/articles";
import { withErrors } from "@/lib/http/json-error";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const page = await queryArticles({
    limit: params.get("limit") ?? undefined,
    cursor: params.get("cursor") ?? undefined,
    source: params.get("source") ?? undefined,
    category: params.get("category") ?? undefined,
    q: params.get("q") ?? undefined,
  });
  return Response.json(page, { headers: { "cache-control": "no-store" } });
});
