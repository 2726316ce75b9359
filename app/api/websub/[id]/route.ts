// WebSub callback (lib/ingest/websub.ts): GET is a hub verifying a subscription, POST a hub pushing the feed.
import { authenticateWebSubPush, confirmWebSubIntent } from "@/lib/commands/websub";
import { jsonError, withErrors } from "@/lib/http/json-error";
import { parseId } from "@/lib/http/params";
import { UnavailableError } from "@/lib/domain/errors";
import { getLogger } from "@/lib/log";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const MAX_PUSH_BYTES = 5 * 1024 * 1024;

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
  const body = await readBodyUpTo(request, MAX_PUSH_BYTES);
  if (body === null) return jsonError(413, "body_too_large", `A pushed feed may be at most ${MAX_PUSH_BYTES} bytes`);
  const check = await authenticateWebSubPush(id, body, request.headers.get("x-hub-signature"));
  // 410 tells the hub the subscription is gone (WebSub §7), so it stops pushing.
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

/** The raw body, or null once it exceeds `maxBytes` (checked on the declared length and while reading). */
async function readBodyUpTo(request: Request, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (request.body === null) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
