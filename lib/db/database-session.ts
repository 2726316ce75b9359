// One dedicated PostgreSQL session per instance, beside Prisma's pool: LISTEN needs a connection that stays
// open, and the lock that tells instances apart must live exactly as long as the process does (a killed
// process's session ends, and PostgreSQL releases its locks at once).
//
// - Notifications: the database tells every instance what changed in it (NOTIFY is sent by the writing
//   transaction and delivered at commit, so a listener never hears of a row it cannot yet read).
// - Instance mode: several instances on one database need REDIS_URL (rate limits, polling politeness and live
//   connection caps are shared through Redis). Each instance holds an advisory lock on this session: shared
//   when it runs with Redis, exclusive when it runs alone, so a second instance started without Redis (or one
//   with Redis beside a lone one) is refused with one clear line instead of quietly splitting the site.
import pg from "pg";
import type { Logger } from "pino";

const INSTANCE_LOCK = 7_307_001_002;

export class InstanceConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InstanceConflictError";
  }
}

export type DatabaseSessionOptions = {
  url: string;
  /** "cluster": one of several instances sharing Redis; "alone": the only instance on this database. */
  mode: "cluster" | "alone";
  channels: string[];
  onNotification: (channel: string, payload: string) => void;
  /** After the session was lost and is back: notifications sent meanwhile were missed. */
  onReconnected: () => void;
  logger: Logger;
};

/** Whether this instance holds a site-wide role (one instance at a time runs it). */
export type Leadership = { isLeader(): boolean };

export type DatabaseSession = {
  /**
   * Competes for a site-wide role: held as a session-level advisory lock, so it passes to another instance
   * as soon as this one's session ends (a crash included). Tried now and every few seconds while not held.
   */
  leadership(lockKey: number): Leadership;
  close(): Promise<void>;
};

const LEADERSHIP_RETRY_MS = 3_000;

async function connect(options: DatabaseSessionOptions): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: options.url, application_name: "newswire-listener" });
  client.on("error", () => {
    // Reported through "end", which schedules the reconnect; an unhandled "error" would crash the process.
  });
  await client.connect();
  try {
    const lock = options.mode === "alone" ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared";
    const { rows } = await client.query<{ locked: boolean }>(`SELECT ${lock}(${INSTANCE_LOCK}) AS locked`);
    if (!rows[0]?.locked) {
      throw new InstanceConflictError(
        options.mode === "alone"
          ? "Another Newswire instance is already running on this PostgreSQL database. Several instances need REDIS_URL (the same Redis for all of them); set it on every instance."
          : "A Newswire instance without REDIS_URL is running on this PostgreSQL database. Stop it, or give every instance the same REDIS_URL.",
      );
    }
    client.on("notification", (message) => options.onNotification(message.channel, message.payload ?? ""));
    for (const channel of options.channels) await client.query(`LISTEN "${channel}"`);
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens the session; throws InstanceConflictError when another instance's mode rules this one out. After a
 * lost connection (a database restart) it reconnects by itself, with a growing delay, and reports it.
 */
export async function openDatabaseSession(options: DatabaseSessionOptions): Promise<DatabaseSession> {
  const { logger } = options;
  let closed = false;
  let client = await connect(options);
  let retryTimer: NodeJS.Timeout | undefined;

  function watch(current: pg.Client): void {
    current.once("end", () => {
      if (closed) return;
      logger.warn("lost the database listener session; reconnecting");
      retry(1);
    });
  }

  function retry(attempt: number): void {
    retryTimer = setTimeout(async () => {
      if (closed) return;
      try {
        client = await connect(options);
        watch(client);
        watchRoles(client);
        logger.info({ attempt }, "database listener session is back");
        options.onReconnected();
      } catch (error) {
        if (error instanceof InstanceConflictError) logger.error({ err: error }, error.message);
        else if (attempt === 1 || attempt % 10 === 0) logger.warn({ err: error, attempt }, "database listener session: still reconnecting");
        retry(attempt + 1);
      }
    }, Math.min(250 * 2 ** Math.min(attempt, 5), 5_000));
  }

  const roles = new Map<number, { held: boolean }>();
  async function tryRoles(): Promise<void> {
    for (const [key, role] of roles) {
      if (role.held || closed) continue;
      try {
        const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS locked`);
        role.held = rows[0]?.locked === true;
        if (role.held) logger.info({ lockKey: key }, "this instance took a site-wide role");
      } catch {
        // The session is being lost; it reconnects and the next try asks again.
      }
    }
  }
  const rolesTimer = setInterval(() => void tryRoles(), LEADERSHIP_RETRY_MS);
  rolesTimer.unref();

  function watchRoles(current: pg.Client): void {
    current.once("end", () => {
      // A lost session lost its locks: every role is up for grabs again.
      for (const role of roles.values()) role.held = false;
    });
  }

  watch(client);
  watchRoles(client);
  return {
    leadership(lockKey) {
      const role = { held: false };
      roles.set(lockKey, role);
      void tryRoles();
      return { isLeader: () => role.held };
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(rolesTimer);
      await client.end().catch(() => undefined);
    },
  };
}
