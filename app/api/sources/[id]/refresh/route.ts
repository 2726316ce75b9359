import { withErrors } from "@/lib/http/json-error";
import { requireAdmin } from "@/lib/http/admin-auth";
import { parseId } from "@/lib/http/params";
import { NotFoundError, UnavailableError } from "@/lib/domain/errors";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** 202: the source is due now and the scheduler has been woken; its new articles arrive live. */
export const POST = withErrors(async (request: Request, context: Context) => {
  await requireAdmin(request);
  const id = parseId((await context.params).id);
  const runtime = getRuntime();
  if (!runtime) throw new UnavailableError("The ingestion scheduler is not running", "scheduler_unavailable");
  if (!(await runtime.scheduler.refreshNow(id))) throw new NotFoundError(`No source with id ${id}`);
  return Response.json({ status: "queued", sourceId: id }, { status: 202 });
});
