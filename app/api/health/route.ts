import { getHealth } from "@/lib/queries/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await getHealth();
  const headers = { "cache-control": "no-store" };
  if (!health.database) {
    return Response.json(
      { status: "unavailable", database: "unreachable", checkedAt: health.checkedAt.toISOString(), error: { code: "database_unreachable", message: "The database does not answer" } },
      { status: 503, headers },
    );
  }
  // The summary is a few seconds old at most (lib/queries/health.ts): checkedAt says when it was read.
  return Response.json(
    { status: "ok", database: "ok", uptimeSeconds: Math.round(process.uptime()), sources: health.sources, checkedAt: health.checkedAt.toISOString() },
    { headers },
  );
}
