// The one structured logger (convention 8): JSON lines on stdout. Lines about a source carry sourceId and url.
import pino, { type Logger } from "pino";

let root: Logger | undefined;

export function createLogger(level: string): Logger {
  root = pino(
    {
      level,
      base: { service: "newswire" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets never reach the logs, whatever a caller passes.
      redact: { paths: ["adminToken", "token", "authorization", "headers.authorization", "req.headers.authorization", "websubSecret"], censor: "[redacted]" },
    },
    // Synchronous writes: lines keep their order and none is lost when the process exits right after logging.
    pino.destination({ dest: 1, sync: true }),
  );
  return root;
}

/** The process logger; before createLogger runs (tests, scripts) a quiet default is made on demand. */
export function getLogger(): Logger {
  root ??= pino({ level: process.env.LOG_LEVEL || "silent", base: { service: "newswire" } });
  return root;
}
