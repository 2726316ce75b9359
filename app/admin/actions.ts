"use server";
// The /admin forms. Server actions: a post from another origin is refused with 403 before it reaches them
// (lib/http/server-action-origin.ts, in server.ts), and the session cookie is SameSite=Strict, so a forged
// form on another site can do nothing. Outcomes go back to the page as codes (app/admin/flash.ts).
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import { ADMIN_SESSION_COOKIE, ADMIN_SESSION_SECONDS, createAdminSession, endAdminSession } from "@/lib/http/admin-session";
import { verifyAdminToken } from "@/lib/http/admin-auth";
import { clientAddressOf } from "@/lib/http/request-context";
import { AppError, TooManyRequestsError } from "@/lib/domain/errors";
import { addSource, parseNewSource } from "@/lib/commands/add-source";
import { removeSource } from "@/lib/commands/remove-source";
import { importOpml } from "@/lib/commands/opml";
import { getRuntime } from "@/lib/runtime";
import { isSignedIn } from "./session";

type Extra = Record<string, string | number>;

function back(kind: "notice" | "error", code: string, extra: Extra = {}): never {
  const query = new URLSearchParams({ [kind]: code, ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, String(value)])) });
  redirect(`/admin?${query}`);
}

async function requireSession(): Promise<void> {
  if (!(await isSignedIn())) back("error", "session_ended");
}

/** The flash code for a failure: the error's own code when the page knows it, else a generic one. */
function codeOf(error: unknown): string {
  return error instanceof AppError ? error.code : "failed";
}

export async function signIn(form: FormData): Promise<void> {
  const token = String(form.get("token") ?? "");
  const { adminToken, publicUrl } = getEnv();
  if (!adminToken) back("error", "admin_disabled");
  let outcome: "ok" | "wrong" | { retryAfterSeconds: number };
  try {
    outcome = (await verifyAdminToken(token, clientAddressOf({ headers: await headers() }))) ? "ok" : "wrong";
  } catch (error) {
    if (!(error instanceof TooManyRequestsError)) throw error;
    outcome = { retryAfterSeconds: error.retryAfterSeconds };
  }
  if (outcome === "wrong") back("error", "wrong_token");
  if (outcome !== "ok") back("error", "too_many_attempts", { retry: outcome.retryAfterSeconds });
  (await cookies()).set(ADMIN_SESSION_COOKIE, await createAdminSession(adminToken), {
    httpOnly: true,
    sameSite: "strict",
    secure: publicUrl.startsWith("https://"),
    path: "/admin",
    maxAge: ADMIN_SESSION_SECONDS,
  });
  redirect("/admin");
}

export async function signOut(): Promise<void> {
  const store = await cookies();
  // Ends the session itself, not just this browser's copy of it (a copied cookie stops working too).
  await endAdminSession(store.get(ADMIN_SESSION_COOKIE)?.value);
  store.delete({ name: ADMIN_SESSION_COOKIE, path: "/admin" });
  redirect("/admin");
}

export async function addSourceAction(form: FormData): Promise<void> {
  await requireSession();
  const env = getEnv();
  let id: number;
  try {
    const input = parseNewSource({
      url: String(form.get("url") ?? ""),
      name: String(form.get("name") ?? "").trim() || undefined,
      category: String(form.get("category") ?? "").trim() || undefined,
    });
    const source = await addSource(input, { allowPrivate: env.feedAllowPrivate, pollIntervalSeconds: env.pollIntervalSeconds, processor: getRuntime()?.processor });
    await getRuntime()?.scheduler.refreshNow(source.id);
    getRuntime()?.onSourcesChanged?.();
    id = source.id;
  } catch (error) {
    back("error", codeOf(error));
  }
  back("notice", "added", { source: id });
}

function sourceIdOf(form: FormData): number {
  const id = Number(form.get("id"));
  if (!Number.isInteger(id) || id <= 0) back("error", "invalid_id");
  return id;
}

export async function removeSourceAction(form: FormData): Promise<void> {
  await requireSession();
  const id = sourceIdOf(form);
  try {
    await removeSource(id);
    getRuntime()?.onSourcesChanged?.();
  } catch (error) {
    back("error", codeOf(error));
  }
  back("notice", "removed");
}

export async function refreshSourceAction(form: FormData): Promise<void> {
  await requireSession();
  const id = sourceIdOf(form);
  const runtime = getRuntime();
  if (!runtime) back("error", "scheduler_unavailable");
  if (!(await runtime.scheduler.refreshNow(id))) back("error", "not_found");
  back("notice", "refreshing");
}

export async function importOpmlAction(form: FormData): Promise<void> {
  await requireSession();
  const file = form.get("file");
  const text = file instanceof File && file.size > 0 ? await file.text() : String(form.get("opml") ?? "");
  if (!text.trim()) back("error", "opml_missing");
  if (text.length > 2 * 1024 * 1024) back("error", "opml_too_large");
  const env = getEnv();
  let counts: { imported: number; skipped: number };
  try {
    const report = await importOpml(text, { allowPrivate: env.feedAllowPrivate, pollIntervalSeconds: env.pollIntervalSeconds });
    if (report.imported > 0) {
      getRuntime()?.scheduler.wake();
      getRuntime()?.onSourcesChanged?.();
    }
    counts = { imported: report.imported, skipped: report.skipped };
  } catch (error) {
    back("error", codeOf(error));
  }
  back("notice", "imported", counts);
}
