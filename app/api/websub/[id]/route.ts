// WebSub callback (lib/ingest/websub.ts): GET is a hub verifying a subscription, POST a hub pushing the feed.
import { authenticateWebSubPush, confirmWebSubIntent, expectsWebSubPushes } from "@/lib/commands/websub";
import { withErrors } from "@/lib/http/json-error";
import { parseId } from "@/lib/http/params";
import { WEBSUB_PUSH_MAX_BYTES } from "@/lib/http/api-routes";
import { readBodyUpTo } from "@/lib/http/read-body";
import { UnavailableError } from "@/lib/domain/errors";
import { getLogger } from "@/lib/log";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrors(async (request: Request, context: Context) => {
  const id = parseId((await context.params).id);
  const answer = await confirmWebSubIntent(id, new URL(request.url).searchParams);
  return new Response(answer.body, {
    status: answer.status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
});

export const POST = withErrors(async (request: Request, context: Context) => {
  const id = parseId((await context.params).id);
  // 410 tells the hub the subscription is gone (WebSub §7), so it stops pushing. Decided before the body is
  // read: a push nobody asked for costs a lookup, not its upload.
  if (!(await expectsWebSubPushes(id))) return new Response(null, { status: 410 });
  const body = await readBodyUpTo(request, WEBSUB_PUSH_MAX_BYTES);
  const check = await authenticateWebSubPush(id, body, request.headers.get("x-hub-signature"));
  if (check.outcome === "unknown-source") return new Response(null, { status: 410 });
  // A bad signature is acknowledged like a good one and ignored (§8): no oracle for guessing signatures.
  if (check.outcome === "bad-signature") {
    getLogger().warn({ sourceId: id }, "WebSub push ignored: missing or wrong X-Hub-Signature");
    return new Response(null, { status: 202 });
  }
  const ingest = getRuntime()?.ingestPushed;
  // Without the server's pipeline (e.g. `next dev` alone) a 503 makes the hub retry later.
  if (!ingest) throw new UnavailableError("The ingestion pipeline is not running", "ingest_unavailable");
  try {
    await ingest(id, { body, contentType: request.headers.get("content-type"), url: check.topic });
  } catch (error) {
    // By name, not instanceof: ingestPushed runs in server.ts's module instances, not this bundle's.
    if (!(error instanceof Error && error.name === "FeedParseError")) throw error;
    // Retrying would not make it parse; acknowledge so the hub does not redeliver it, and keep polling.
    getLogger().warn({ sourceId: id, url: check.topic, err: error }, "WebSub push is not a feed we can read");
  }
  return new Response(null, { status: 202 });
});
