// For tests that use the machine's Redis (127.0.0.1:6379, or NEWSWIRE_TEST_REDIS_URL): a prefix of their own,
// and the keys under it deleted afterwards.
import { randomBytes } from "node:crypto";
import pino from "pino";
import { connectRedis, type RedisConnection } from "./redis";

export const TEST_REDIS_URL = process.env.NEWSWIRE_TEST_REDIS_URL || "redis://127.0.0.1:6379";

export function testRedisPrefix(name: string): string {
  return `newswire-test:${name}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

export async function connectTestRedis(prefix: string): Promise<RedisConnection> {
  return connectRedis({ url: TEST_REDIS_URL, prefix, logger: pino({ level: "silent" }) });
}

export async function deleteTestKeys(connection: RedisConnection, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await connection.client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    if (keys.length > 0) await connection.client.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}
