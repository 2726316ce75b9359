import { querySources } from "@/lib/queries/sources";
import { withErrors, readJson } from "@/lib/http/json-error";
import { requireAdmin } from "@/lib/http/admin-auth";
import { NEW_SOURCE_MAX_BYTES } from "@/lib/http/api-routes";
import { addSource, parseNewSource } from "@/lib/commands/add-source";
import { getEnv } from "@/lib/env";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const page = await querySources({ limit: params.get("limit"), cursor: params.get("cursor") });
  return Response.json(page, { headers: { "cache-control": "no-store" } });
});

export const POST = withErrors(async (request: Request) => {
  await requireAdmin(request);
  const input = parseNewSource(await readJson(request, NEW_SOURCE_MAX_BYTES));
  const env = getEnv();
  const source = await addSource(input, { allowPrivate: env.feedAllowPrivate, pollIntervalSeconds: env.pollIntervalSeconds, processor: getRuntime()?.processor });
  // Its first articles arrive through the scheduler like any others, so readers see them live.
  await getRuntime()?.scheduler.refreshNow(source.id);
  getRuntime()?.onSourcesChanged?.();
  return Response.json({ source }, { status: 201 });
});
