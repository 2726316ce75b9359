// One Newswire site made of several processes, as in production (deploy/compose.yaml) but on loopback:
// a fresh PostgreSQL database, Redis under a key prefix of this run's own, N instances started with
// `npm start` on free ports, and HAProxy (deploy/haproxy.cfg) in front of them. Tests drive it through the
// load balancer (`lbUrl`) or each instance directly (`instances[i].url`), and stop, kill or restart
// instances. stopAll() removes every trace: processes, the database, the Redis keys.
import { connectTestRedis, deleteTestKeys, TEST_REDIS_URL, testRedisPrefix } from "../../lib/cluster/test-redis";
import { startHaproxy, type RunningHaproxy } from "./haproxy";
import { createPostgresDatabase, type TestPostgresDatabase } from "./postgres-database";
import { ADMIN_TOKEN, descendantPids, eventually, freePort, startNewswire, type Launcher, type RunningServer } from "./newswire-server";

export type ClusterInstance = RunningServer & {
  /** 0-based position in `instances`; HAProxy calls it app<index + 1>. */
  index: number;
  /** The environment it was started with (DATABASE_URL, REDIS_URL, REDIS_PREFIX, PORT, …). */
  env: Record<string, string>;
};

export type Cluster = {
  /** HAProxy's address: what a reader of the site connects to. Undefined with `loadBalancer: false`. */
  lbUrl: string | undefined;
  haproxy: RunningHaproxy | undefined;
  /** The instances, in start order; restart(i) replaces entry i. */
  instances: ClusterInstance[];
  database: TestPostgresDatabase;
  redisPrefix: string;
  /** The environment every instance shares (add PORT to start another process on the same site). */
  env: Record<string, string>;
  /** Starts instance i again on its port (after stop() or kill9()) and waits until HAProxy sees it UP. */
  restart(i: number): Promise<ClusterInstance>;
  /** Stops HAProxy and every instance, drops the database, deletes the Redis keys. Safe to call twice. */
  stopAll(): Promise<void>;
};

export type ClusterOptions = {
  /** How many instances (default 2; at most 3 behind HAProxy). */
  instances?: number;
  /** Added to (and overriding) every instance's environment, e.g. { REDIS_URL: "" } for no Redis. */
  env?: Record<string, string>;
  /** Per-instance additions, by index. */
  instanceEnv?: (index: number) => Record<string, string>;
  /** false: no HAProxy; an object: HAPROXY_* variables for deploy/haproxy.cfg (timeouts). */
  loadBalancer?: boolean | Record<string, string>;
  /** Default "npm" (`npm start`, as an operator runs it); "node" for `node --import tsx server.ts`. */
  launcher?: Launcher;
  /** A name for the database and the Redis prefix (default "cluster"). */
  name?: string;
};

/** Deletes every Redis key under `prefix` (lib/cluster/test-redis.ts, as the unit tests do). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const connection = await connectTestRedis(prefix);
  try {
    await deleteTestKeys(connection, prefix);
  } finally {
    await connection.close();
  }
}

/** The Redis keys under `prefix` (to assert that instances used it). */
export async function listRedisKeys(prefix: string): Promise<string[]> {
  const connection = await connectTestRedis(prefix);
  try {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await connection.client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    return keys;
  } finally {
    await connection.close();
  }
}

/** Waits until GET /api/health answers 200. */
export async function waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      try {
        return (await fetch(`${url}/api/health`)).status === 200;
      } catch {
        return false;
      }
    },
    `${url}/api/health to answer 200`,
    timeoutMs,
  );
}

/** Everything still running from clusters of this process: killed if the test process exits without stopAll(). */
const running = new Set<{ process: { pid?: number } }>();
process.once("exit", () => {
  for (const entry of running) {
    const pid = entry.process.pid;
    if (!pid) continue;
    // npm's child (the server) too: killing npm alone would orphan it.
    for (const target of [...descendantPids(pid), pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
});

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.instances ?? 2;
  const name = options.name ?? "cluster";
  const database = await createPostgresDatabase(`newswire_${name.replace(/[^a-z0-9]/gi, "_")}`);
  const redisPrefix = testRedisPrefix(name);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const lbPort = options.loadBalancer === false ? undefined : await freePort();
  const launcher = options.launcher ?? "npm";

  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    FEED_ALLOW_PRIVATE: "1",
    ADMIN_TOKEN,
    NEWSWIRE_SEED: "0",
    // Every instance sees readers through HAProxy, which connects from loopback.
    TRUST_PROXY: "127.0.0.1",
    LOG_LEVEL: "info",
    // Canonical links, feeds and OpenGraph name the site's address, not an instance's.
    ...(lbPort ? { PUBLIC_URL: `http://127.0.0.1:${lbPort}` } : {}),
    ...options.env,
  };
  const instances: ClusterInstance[] = [];
  let haproxy: RunningHaproxy | undefined;
  let stopped = false;

  async function startInstance(index: number): Promise<ClusterInstance> {
    const instanceEnv = { ...env, ...options.instanceEnv?.(index) };
    const server = await startNewswire({ port: ports[index], env: instanceEnv, launcher });
    running.add(server);
    server.process.once("close", () => running.delete(server));
    const instance: ClusterInstance = { ...server, index, env: { ...instanceEnv, PORT: String(ports[index]) } };
    instances[index] = instance;
    await waitForHealth(instance.url);
    return instance;
  }

  async function stopAll(): Promise<void> {
    if (stopped) return;
    stopped = true;
    const errors: unknown[] = [];
    const attempt = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        errors.push(error);
      }
    };
    await attempt(async () => haproxy?.stop());
    await Promise.all(
      instances.map((instance) =>
        attempt(async () => {
          // A clean stop first (it lets the server close its database and Redis connections); a server that
          // hangs is killed rather than left behind.
          const timer = setTimeout(() => void instance.kill9(), 20_000);
          await instance.stop();
          clearTimeout(timer);
        }),
      ),
    );
    await attempt(() => database.drop());
    await attempt(() => deleteRedisKeys(redisPrefix));
    if (errors.length > 0) throw new AggregateError(errors, `cluster cleanup failed: ${errors.map(String).join("; ")}`);
  }

  const cluster: Cluster = {
    lbUrl: undefined,
    haproxy: undefined,
    instances,
    database,
    redisPrefix,
    env,
    async restart(i) {
      const previous = instances[i];
      if (previous && previous.process.exitCode === null && previous.process.signalCode === null) {
        throw new Error(`instance ${i} is still running: stop() or kill9() it first`);
      }
      const instance = await startInstance(i);
      await haproxy?.waitForServer(`app${i + 1}`, "UP");
      return instance;
    },
    stopAll,
  };

  try {
    // The first start of a fresh database applies the migrations: one instance first (docs/decisions/0004,
    // "Known limits"). The others one by one too: started together on a loaded two-core machine, one of
    // them ran out the time it then gave Redis to answer at start, 5 s (while Redis answered others at once);
    // lib/cluster/redis.ts now allows 20 s.
    for (let i = 0; i < count; i++) await startInstance(i);
    if (options.loadBalancer !== false) {
      haproxy = await startHaproxy({
        port: lbPort,
        servers: ports.map((port) => `127.0.0.1:${port}`),
        env: typeof options.loadBalancer === "object" ? options.loadBalancer : {},
      });
      running.add(haproxy);
      cluster.haproxy = haproxy;
      cluster.lbUrl = haproxy.url;
    }
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
  return cluster;
}
