// A publisher's picture host on loopback for the browser tests: every path answers a small SVG picture.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type PictureServer = { url: (name: string, delayMs?: number) => string; close: () => Promise<void> };

/** A publisher's picture host on loopback. `?delay=ms` holds the answer back, as a slow image CDN would. */
export function startPictureServer(): Promise<PictureServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const delay = Math.min(Number(url.searchParams.get("delay") ?? 0) || 0, 10_000);
    setTimeout(() => {
      res.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "no-store" });
      res.end(`<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900" viewBox="0 0 1200 900"><rect width="1200" height="900" fill="#5fa8d3"/><circle cx="600" cy="450" r="200" fill="#fffbe6"/></svg>`);
    }, delay);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: (name, delayMs = 0) => `http://127.0.0.1:${port}/${name}.svg?delay=${delayMs}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    }),
  );
}
