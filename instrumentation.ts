// Next calls onRequestError for every error a page, server action or route handler throws past its own
// handling (route handlers wrapped in withErrors log theirs in lib/http/json-error.ts and never get here).
// One structured line per error, with the request id server.ts put on the request and on the response, so a
// 500 a reader reports can be found in the logs.
import type { Instrumentation } from "next";

export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  const { getLogger } = await import("./lib/log");
  const requestId = request.headers["x-request-id"];
  getLogger().error(
    {
      requestId: typeof requestId === "string" ? requestId : undefined,
      method: request.method,
      path: request.path.split("?")[0].slice(0, 200),
      route: context.routePath,
      routeType: context.routeType,
      err: error,
    },
    "unhandled error while handling a request",
  );
};
