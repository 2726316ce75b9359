"use server";
// The /admin forms. Server actions: Next refuses cross-origin posts to them (Origin must match Host), and the
// session cookie is SameSite=Strict, so a forged form on another site can do nothing.
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import { ADMIN_SESSION_COOKIE, ADMIN_SESSION_SECONDS, createAdminSession } from "@/lib/http/admin-session";
import { isAdminToken } from "@/lib/http/admin-auth";
import { AppError } from "@/lib/domain/errors";
import { addSource, parseNewSource } from "@/lib/commands/add-source";
import { removeSource } from "@/lib/commands/remove-source";
import { importOpml } from "@/lib/commands/opml";
import { getRuntime } from "@/lib/runtime";
import { isSignedIn } from "./session";

function back(kind: "notice" | "error", message: string): never {
  redirect(`/admin?${kind}=${encodeURIComponent(message.slice(0, 300))}`);
}

async function requireSession(): Promise<void> {
  if (!(await isSignedIn())) back("error", "Your session has ended. Sign in again.");
}

function messageOf(error: unknown): string {
  return error instanceof AppError ? error.message : "Something went wrong; the change was not made.";
}

export async function signIn(form: FormData): Promise<void> {
  const token = String(form.get("token") ?? "");
  const { adminToken, publicUrl } = getEnv();
  if (!adminToken) back("error", "Admin is disabled: set ADMIN_TOKEN on the server.");
  if (!isAdminToken(token, adminToken)) back("error", "That token is not right.");
  (await cookies()).set(ADMIN_SESSION_COOKIE, createAdminSession(adminToken), {
    httpOnly: true,
    sameSite: "strict",
    secure: publicUrl.startsWith("https://"),
    path: "/admin",
    maxAge: ADMIN_SESSION_SECONDS,
  });
  redirect("/admin");
}

export async function signOut(): Promise<void> {
  (await cookies()).delete({ name: ADMIN_SESSION_COOKIE, path: "/admin" });
  redirect("/admin");
}

export async function addSourceAction(form: FormData): Promise<void> {
  await requireSession();
  const env = getEnv();
  let name: string;
  try {
    const input = parseNewSource({
      url: String(form.get("url") ?? ""),
      name: String(form.get("name") ?? "").trim() || undefined,
      category: String(form.get("category") ?? "").trim() || undefined,
    });
    const source = await addSource(input, { allowPrivate: env.feedAllowPrivate, pollIntervalSeconds: env.pollIntervalSeconds });
    await getRuntime()?.scheduler.refreshNow(source.id);
    getRuntime()?.onSourcesChanged?.();
    name = source.name;
  } catch (error) {
    back("error", messageOf(error));
  }
  back("notice", `Added ${name}. Its stories will appear in a moment.`);
}

function sourceIdOf(form: FormData): number {
  const id = Number(form.get("id"));
  if (!Number.isInteger(id) || id <= 0) back("error", "That source id is not valid.");
  return id;
}

export async function removeSourceAction(form: FormData): Promise<void> {
  await requireSession();
  const id = sourceIdOf(form);
  try {
    await removeSource(id);
    getRuntime()?.onSourcesChanged?.();
  } catch (error) {
    back("error", messageOf(error));
  }
  back("notice", "Source removed, with its stories.");
}

export async function refreshSourceAction(form: FormData): Promise<void> {
  await requireSession();
  const id = sourceIdOf(form);
  const runtime = getRuntime();
  if (!runtime) back("error", "The ingestion scheduler is not running.");
  if (!(await runtime.scheduler.refreshNow(id))) back("error", "No such source.");
  back("notice", "Checking the source now.");
}

export async function importOpmlAction(form: FormData): Promise<void> {
  await requireSession();
  const file = form.get("file");
  const text = file instanceof File && file.size > 0 ? await file.text() : String(form.get("opml") ?? "");
  if (!text.trim()) back("error", "Choose an OPML file or paste its contents.");
  if (text.length > 2 * 1024 * 1024) back("error", "That OPML file is larger than 2 MiB.");
  const env = getEnv();
  let summary: string;
  try {
    const report = await importOpml(text, { allowPrivate: env.feedAllowPrivate, pollIntervalSeconds: env.pollIntervalSeconds });
    if (report.imported > 0) {
      getRuntime()?.scheduler.wake();
      getRuntime()?.onSourcesChanged?.();
    }
    const reasons = report.skippedEntries.slice(0, 5).map((entry) => `${entry.url}: ${entry.reason}`).join("; ");
    summary = `Imported ${report.imported}, skipped ${report.skipped}${reasons ? ` (${reasons}${report.skipped > 5 ? "; …" : ""})` : ""}.`;
  } catch (error) {
    back("error", messageOf(error));
  }
  back("notice", summary);
}
