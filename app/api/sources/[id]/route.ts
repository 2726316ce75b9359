import { withErrors } from "@/lib/http/json-error";
import { requireAdmin } from "@/lib/http/admin-auth";
import { parseId } from "@/lib/http/params";
import { removeSource } from "@/lib/commands/remove-source";
import { getSourceById } from "@/lib/queries/sources";
import { NotFoundError } from "@/lib/domain/errors";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrors(async (_request: Request, context: Context) => {
  // The same id rules as DELETE: not a positive integer → 400, no such source → 404.
  const id = parseId((await context.params).id);
  const source = await getSourceById(id);
  if (!source) throw new NotFoundError(`No source with id ${id}`);
  return Response.json({ source }, { headers: { "cache-control": "no-store" } });
});

export const DELETE = withErrors(async (request: Request, context: Context) => {
  await requireAdmin(request);
  await removeSource(parseId((await context.params).id));
  getRuntime()?.onSourcesChanged?.();
  return new Response(null, { status: 204 });
});
