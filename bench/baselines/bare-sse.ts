// The floor for SSE fan-out: a bare Node server that keeps every GET /api/live response open and writes the
// article it is given to each of them, in the same event format as lib/realtime/sse.ts. No Next, no database.
//   GET  /api/live → text/event-stream
//   POST /emit  body = Article JSON → one `event: article` to every client; answers {"emittedAt": <wall ms>}
//   GET  /heap  → {"heapUsed": bytes} after two full GCs
import http from "node:http";
import { wallNow } from "../lib/wall-clock";

const clients = new Set<http.ServerResponse>();

const server = http.createServer((req, res) => {
  const pathname = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && pathname === "/api/live") {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true);
    res.write("retry: 3000\n: connected\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
    return;
  }
  if (req.method === "POST" && pathname === "/emit") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const article = JSON.parse(body) as { cursor: string };
      const emittedAt = wallNow();
      const event = `event: article\nid: ${article.cursor}\ndata: ${JSON.stringify(article)}\n\n`;
      for (const client of clients) client.write(event);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ emittedAt, clients: clients.size }));
    });
    return;
  }
  if (req.method === "GET" && pathname === "/heap") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, forced: Boolean(gc) }));
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 65_000;

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => {
  for (const client of clients) client.end();
  server.closeAllConnections();
  process.exit(0);
});
