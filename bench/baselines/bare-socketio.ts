// The floor for Socket.IO fan-out: a bare Node server that does nothing but io.emit the article it is given
// to every connected client. Same Socket.IO version and transport options as lib/realtime/socket.ts, no
// Next, no database, no rooms. Started by bench/scenarios/fanout.ts with --expose-gc.
//   POST /emit  body = Article JSON → io.emit("article:new", article); answers {"emittedAt": <wall ms>}
//   GET  /heap  → {"heapUsed": bytes} after two full GCs
import http from "node:http";
import { Server } from "socket.io";
import { wallNow } from "../lib/wall-clock";

const server = http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/emit") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const article = JSON.parse(body) as unknown;
      const emittedAt = wallNow();
      io.emit("article:new", article);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ emittedAt, clients: io.engine.clientsCount }));
    });
    return;
  }
  if (req.method === "GET" && req.url === "/heap") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, forced: Boolean(gc) }));
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 65_000;

const io = new Server(server, { path: "/socket.io", serveClient: false, maxHttpBufferSize: 16 * 1024 });

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => {
  io.disconnectSockets(true);
  server.closeAllConnections();
  process.exit(0);
});
