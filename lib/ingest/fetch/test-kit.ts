// Shared by the fetch stage's tests: real HTTP servers on loopback, and the fetch stage seeing a scripted
// network (which addresses count as refused, what names resolve to) when a test needs one.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect } from "vitest";
import { FeedFetchError } from "../../domain/errors";
import { SYSTEM_NETWORK } from "./address-guard";
import { isBlockedAddress } from "./address-policy";
import * as application from ".";
import { createFeedHttp, type FeedHttp, type FetchFeedOptions } from ".";

/** A scripted network for one call: which addresses count as refused, and what names resolve to. */
export type NetworkScript = { addressPolicy?: (ip: string) => boolean; lookup?: (hostname: string) => Promise<string[]> };


/** The application's fetch stage, or (given a script) one that sees the network as the script says. */
export async function withNetwork<T>(script: NetworkScript, use: (http: FeedHttp) => Promise<T>): Promise<T> {
  if (!script.addressPolicy && !script.lookup) return use({ ...application, close: application.closeFeedConnections });
  const http = createFeedHttp({
    isRefusedAddress: script.addressPolicy ? (ip) => script.addressPolicy!(ip) : SYSTEM_NETWORK.isRefusedAddress,
    resolve: script.lookup ?? SYSTEM_NETWORK.resolve,
  });
  try {
    return await use(http);
  } finally {
    await http.close();
  }
}

export function fetchFeed(url: string, options: FetchFeedOptions & NetworkScript) {
  const { addressPolicy, lookup, ...fetchOptions } = options;
  return withNetwork({ addressPolicy, lookup }, (http) => http.fetchFeed(url, fetchOptions));
}

export function assertFetchableUrl(url: string, allowPrivate: boolean, script: NetworkScript = {}) {
  return withNetwork(script, (http) => http.assertFetchableUrl(url, allowPrivate));
}

export const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title>${"<item><title>Story</title></item>".repeat(50)}</channel></rss>`;

export type TestServer = {
  origin: string;
  port: number;
  requests: http.IncomingMessage[];
  connections: () => number;
  close: () => Promise<void>;
};

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A real HTTP server on 127.0.0.1 with a random port; every request and connection is recorded. */
export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, server: TestServer) => void): Promise<TestServer> {
  const requests: http.IncomingMessage[] = [];
  let connections = 0;
  const httpServer = http.createServer();
  const server: TestServer = {
    origin: "",
    port: 0,
    requests,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
  httpServer.on("connection", () => (connections += 1));
  httpServer.on("request", (req, res) => {
    requests.push(req);
    handler(req, res, server);
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  server.port = (httpServer.address() as AddressInfo).port;
  server.origin = `http://127.0.0.1:${server.port}`;
  servers.push(server);
  return server;
}

/** Loopback plays "the public internet" (only 127.0.0.1 itself); everything else keeps the real policy. */
export const loopbackIsPublic = (ip: string) => ip !== "127.0.0.1" && isBlockedAddress(ip);

export async function fetchError(url: string, options: FetchFeedOptions & NetworkScript): Promise<FeedFetchError> {
  try {
    await fetchFeed(url, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedFetchError);
    return error as FeedFetchError;
  }
  throw new Error(`expected fetchFeed(${url}) to fail`);
}

export function sendFeed(res: http.ServerResponse, headers: http.OutgoingHttpHeaders = {}, body: Buffer | string = FEED): void {
  res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", ...headers });
  res.end(body);
}
