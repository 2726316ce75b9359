import { pingDb } from "../db/client";

export async function pingHealth(): Promise<{ database: boolean }> {
  return { database: await pingDb() };
}
