import { readSourcesForExport } from "@/lib/queries/sources";
import { withErrors } from "@/lib/http/json-error";
import { requireAdmin } from "@/lib/http/admin-auth";
import { exportOpmlStream, importOpml } from "@/lib/commands/opml";
import { OPML_MAX_BYTES } from "@/lib/http/api-routes";
import { readTextUpTo } from "@/lib/http/read-body";
import { getEnv } from "@/lib/env";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export const GET = withErrors(async () => {
  // Streamed batch by batch (lib/commands/opml.ts): 10,000 sources never sit in memory as one document.
  return new Response(await exportOpmlStream(readSourcesForExport()), {
    headers: { "content-type": "text/x-opml; charset=utf-8", "content-disposition": 'inline; filename="newswire-sources.opml"' },
  });
});

export const POST = withErrors(async (request: Request) => {
  await requireAdmin(request);
  const body = await readTextUpTo(request, OPML_MAX_BYTES);
  const env = getEnv();
  const report = await importOpml(body, { allowPrivate: env.feedAllowPrivate, pollIntervalSeconds: env.pollIntervalSeconds });
  if (report.imported > 0) {
    getRuntime()?.scheduler.wake();
    getRuntime()?.onSourcesChanged?.();
  }
  return Response.json(report);
});
