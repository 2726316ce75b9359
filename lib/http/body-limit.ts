// Request bodies are bounded before anything reads them: server.ts calls limitRequestBody for every request
// with the cap of its route (lib/http/api-routes.ts). A declared Content-Length over the cap is answered 413
// at once, unread; a body without one (chunked) is counted as it arrives and answered 413 the moment it
// passes the cap, so a 50 MB upload costs at most the cap in memory, whatever the handler behind does.
import type { IncomingMessage, ServerResponse } from "node:http";

function refuse(res: ServerResponse, maxBytes: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: "payload_too_large", message: `The request body may be at most ${maxBytes} bytes` } });
  // `connection: close`: the rest of the body is never read; Node closes the socket once the answer is out.
  res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close", "cache-control": "no-store" });
  res.end(body);
}

/**
 * Enforces `maxBytes` on the request body. Returns true when the request was refused already (its declared
 * length is over the cap); otherwise arranges to refuse it while reading and returns false.
 */
export function limitRequestBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): boolean {
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    // Node has checked it is a number and will deliver exactly that many bytes: nothing more to count.
    if (Number(declared) > maxBytes) {
      refuse(res, maxBytes);
      return true;
    }
    return false;
  }
  if (req.headers["transfer-encoding"] === undefined) return false; // no body at all
  // Node's HTTP parser hands each body chunk to `push` as it arrives, before any reader sees it: counting
  // there bounds what is held even when the handler reads the whole body before looking at it.
  let received = 0;
  let refused = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (refused) return true; // dropped: keep the parser reading until the socket closes
    if (chunk !== null && chunk !== undefined) received += (chunk as Buffer).length;
    if (received > maxBytes) {
      refused = true;
      refuse(res, maxBytes);
      return true;
    }
    return push(chunk, encoding);
  };
  return false;
}
