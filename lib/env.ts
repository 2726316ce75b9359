// Every environment variable the server reads (README, Configuration), parsed once at start. A bad value
// stops the start with one line that names the variable.
import { z } from "zod";
import { DEFAULT_DATABASE_URL, sqliteLocationProblem } from "./db/database-url";
import { parseTrustedProxies } from "./http/client-address";

/** Long enough that guessing is hopeless even unthrottled; the rate limit on failures is the second line. */
const ADMIN_TOKEN_MIN_LENGTH = 24;

const booleanFlag = z
  .enum(["0", "1", "true", "false", ""])
  .default("0")
  .transform((value) => value === "1" || value === "true");

/**
 * The variables as the environment spells them, then (in the transform) as the code reads them. Env is
 * inferred from this schema, so the type cannot drift from what is parsed.
 */
const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().trim().min(1).optional(),
    DATABASE_URL: z
      .string()
      .trim()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => url.startsWith("file:") || /^postgres(ql)?:\/\/.+/i.test(url), {
        message: "must be file:<path> (SQLite) or postgresql://… (PostgreSQL)",
      })
      .superRefine((url, context) => {
        const problem = url.startsWith("file:") ? sqliteLocationProblem(url) : null;
        if (problem) context.addIssue({ code: "custom", message: `the SQLite database cannot live there: ${problem}` });
      }),
    PUBLIC_URL: z
      .string()
      .trim()
      .optional()
      .refine((url) => url === undefined || url === "" || /^https?:\/\/[^/\s]+/i.test(url), {
        message: "must be an absolute http(s) URL such as https://news.example.com",
      }),
    ADMIN_TOKEN: z
      .string()
      .optional()
      .refine((token) => token === undefined || token === "" || token.length >= ADMIN_TOKEN_MIN_LENGTH, {
        message: `must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters: it alone guards /admin and the admin API from the whole internet, so it must be too long to guess (e.g. \`openssl rand -base64 32\`)`,
      })
      // HTTP trims a header value, and the Bearer scheme skips the blanks after it: a token that starts or ends
      // with whitespace (a pasted newline, say) could never be sent, and admin would be locked for good.
      .refine((token) => token === undefined || token === "" || token.trim() === token, {
        message: "must not start or end with whitespace: no Authorization header can carry it (HTTP trims header values)",
      }),
    POLL_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
    /** How long a check owns its source; a killed instance's sources wait this long for another to take them. */
    FEED_CHECK_LEASE_SECONDS: z.coerce.number().int().min(30).max(3_600).default(120),
    FEED_ALLOW_PRIVATE: booleanFlag,
    REDIS_URL: z
      .string()
      .trim()
      .optional()
      .refine((url) => url === undefined || url === "" || /^rediss?:\/\//i.test(url), {
        message: "must be redis://… or rediss://…",
      }),
    REDIS_PREFIX: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, "must be 1–64 letters, digits or : _ . -")
      .default("newswire"),
    LIVE_MAX_PER_IP: z.coerce.number().int().min(0).max(1_000_000).default(100),
    LIVE_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(10_000_000).default(20_000),
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((list, context) => {
        try {
          return parseTrustedProxies(list ?? "");
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** Worker threads that parse feeds; default cores − 1 (1–4). 0 parses on the event loop, as before (docs/decisions/0013). */
    PARSE_THREADS: z.coerce.number().int().min(0).max(16).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Not an operator setting: set by `npm run demo` to start the loopback demo newsroom. */
    NEWSWIRE_DEMO: booleanFlag,
    /** Not an operator setting: `0` skips seeding the default sources (tests start from an empty database). */
    NEWSWIRE_SEED: z.enum(["0", "1"]).default("1").transform((value) => value === "1"),
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    adminToken: env.ADMIN_TOKEN || undefined,
    pollIntervalSeconds: env.POLL_INTERVAL_SECONDS,
    checkLeaseSeconds: env.FEED_CHECK_LEASE_SECONDS,
    feedAllowPrivate: env.FEED_ALLOW_PRIVATE,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX,
    liveMaxPerIp: env.LIVE_MAX_PER_IP,
    liveMaxConnections: env.LIVE_MAX_CONNECTIONS,
    /** Reverse proxies whose X-Forwarded-For is believed (lib/http/client-address.ts); empty: none. */
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
    /** Undefined: sized to the machine; 0: parse on the event loop. */
    parseThreads: env.PARSE_THREADS,
    demo: env.NEWSWIRE_DEMO,
    seed: env.NEWSWIRE_SEED,
  }));

export type Env = z.output<typeof envSchema>;

/** Values that may hold credentials are never repeated in error messages. */
const SECRET_VARIABLES = new Set(["ADMIN_TOKEN", "DATABASE_URL", "REDIS_URL"]);

export class EnvError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid environment variable ${variable}: ${detail}`);
    this.name = "EnvError";
  }
}

/** Parses the given environment (process.env by default). Throws EnvError naming the first bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // An empty string means "not set", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? "environment");
    const received = SECRET_VARIABLES.has(variable) ? undefined : source[variable];
    throw new EnvError(variable, `${issue.message}${received !== undefined ? ` (got "${received}")` : ""}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The process's environment, parsed on first use and then kept. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}
