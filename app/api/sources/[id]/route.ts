import { withErrors } from "@/lib/http/json-error";
import { requireAdmin } from "@/lib/http/admin-auth";
import { parseId } from "@/lib/http/params";
import { removeSource } from "@/lib/commands/remove-source";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const DELETE = withErrors(async (request: Request, context: Context) => {
  await requireAdmin(request);
  await removeSource(parseId((await context.params).id));
  getRuntime()?.onSourcesChanged?.();
  return new Response(null, { status: 204 });
});
