import { pingHealth } from "@/lib/queries/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await pingHealth();
  if (!health.database) {
    return Response.json({ status: "unavailable", database: "unreachable", error: { code: "database_unreachable", message: "The database does not answer" } }, { status: 503, headers: { "cache-control": "no-store" } });
  }
  return Response.json({ status: "ok", database: "ok", uptimeSeconds: Math.round(process.uptime()) }, { headers: { "cache-control": "no-store" } });
}
