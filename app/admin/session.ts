// Reading the admin session in server components and actions.
import { cookies } from "next/headers";
import { getEnv } from "@/lib/env";
import { ADMIN_SESSION_COOKIE, isValidAdminSession } from "@/lib/http/admin-session";

export async function isSignedIn(): Promise<boolean> {
  const store = await cookies();
  return isValidAdminSession(store.get(ADMIN_SESSION_COOKIE)?.value, getEnv().adminToken);
}
