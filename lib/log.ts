// The one structured logger: JSON lines on stdout. Lines about a source carry sourceId and url;
// lines about a request carry its requestId (the x-request-id response header).
import pino, { type Logger } from "pino";

let root: Logger | undefined;

function build(level: string): Logger {
  return pino(
    {
      level,
      base: { service: "newswire" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets never reach the logs, whatever a caller passes.
      redact: { paths: ["adminToken", "token", "authorization", "headers.authorization", "req.headers.authorization", "websubSecret", "cookie", "headers.cookie"], censor: "[redacted]" },
    },
    // Synchronous writes: lines keep their order and none is lost when the process exits right after logging.
    pino.destination({ dest: 1, sync: true }),
  );
}

export function createLogger(level: string): Logger {
  root = build(level);
  // Next bundles route handlers and pages with their own copy of this module, whose `root` is never set:
  // the level travels through the environment so that their getLogger() logs like server.ts's does
  // (without this, a 500 in a route handler left no line unless LOG_LEVEL happened to be exported).
  process.env.LOG_LEVEL = level;
  return root;
}

/** The process logger; before createLogger runs (tests, scripts) one is made on demand, quiet unless LOG_LEVEL says otherwise. */
export function getLogger(): Logger {
  root ??= build(process.env.LOG_LEVEL || "silent");
  return root;
}
