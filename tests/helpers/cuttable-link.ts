// A TCP link between the browser and the server that a test can cut and restore: a real network outage for
// every transport. Chromium's offline emulation (context.setOffline) closes WebSockets but leaves an
// established EventSource stream open, so it cannot stand for an outage of the SSE transport.
// While cut, open connections are destroyed and the port refuses new ones (ECONNREFUSED), as an
// unreachable server would.
import net from "node:net";
import type { AddressInfo } from "node:net";

export type CuttableLink = {
  /** http://127.0.0.1:<port>: use as a browser context's baseURL. */
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
};

export async function startCuttableLink(target: { host: string; port: number }): Promise<CuttableLink> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  let isCut = false;

  function destroyAll(): void {
    for (const socket of open) socket.destroy();
    open.clear();
  }

  return {
    url: `http://127.0.0.1:${port}`,
    async cut() {
      if (isCut) return;
      isCut = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      destroyAll();
      await closed;
    },
    async restore() {
      if (!isCut) return;
      await listen(port);
      isCut = false;
    },
    async close() {
      destroyAll();
      if (!isCut) await new Promise<void>((resolve) => server.close(() => resolve()));
      isCut = true;
    },
  };
}
