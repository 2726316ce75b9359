import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isForeignOriginAction } from "./server-action-origin";

function request(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers: { host: "news.example.com", ...headers } } as unknown as IncomingMessage;
}

describe("foreign server actions", () => {
  it.each([
    ["a fetch action from another site", "POST", { "next-action": "abc", origin: "https://evil.example" }, true],
    ["a form post from another site", "POST", { "content-type": "multipart/form-data; boundary=x", origin: "https://evil.example" }, true],
    ["a form post from a sandboxed frame", "POST", { "content-type": "application/x-www-form-urlencoded", origin: "null" }, true],
    ["an Origin that is not a URL", "POST", { "next-action": "abc", origin: "::" }, true],
    ["another port of this host", "POST", { "next-action": "abc", origin: "https://news.example.com:8443" }, true],
    ["this site", "POST", { "next-action": "abc", origin: "https://news.example.com" }, false],
    ["this site behind a proxy", "POST", { "next-action": "abc", origin: "https://news.example.com", host: "10.0.0.5:3000", "x-forwarded-host": "news.example.com" }, false],
    ["no Origin (not a browser; it carries no one's cookies)", "POST", { "next-action": "abc" }, false],
    ["not an action: a JSON post", "POST", { "content-type": "application/json", origin: "https://evil.example" }, false],
    ["not an action: a GET", "GET", { "next-action": "abc", origin: "https://evil.example" }, false],
  ])("%s", (_name, method, headers, foreign) => {
    expect(isForeignOriginAction(request(method, headers))).toBe(foreign);
  });
});
