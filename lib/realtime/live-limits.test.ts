// The caps on live connections, without a server: per address, site-wide through a shared count, and per
// instance in total (LIVE_MAX_CONNECTIONS). Each bound is tried one past it.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { createLiveLimits, type LiveSlot, type Refusal, type SharedAddressCounts } from "./live-limits";

const from = (address: string) => ({ headers: {}, socket: { remoteAddress: address } }) as unknown as IncomingMessage;
const addressOf = (req: IncomingMessage) => req.socket.remoteAddress ?? "";
const admitted = (slot: LiveSlot | Refusal): slot is LiveSlot => !("refused" in slot);

/** A site-wide count that answers a moment later, as Redis does. */
function slowSharedCounts(): SharedAddressCounts & { held: Map<string, number> } {
  const held = new Map<string, number>();
  return {
    held,
    async acquire(address, cap) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const count = held.get(address) ?? 0;
      if (count >= cap) return false;
      held.set(address, count + 1);
      return true;
    },
    release(address) {
      held.set(address, (held.get(address) ?? 1) - 1);
    },
  };
}

describe("live connection limits", () => {
  it("refuses the connection one past the instance's total, from any address, and admits again after a release", async () => {
    const limits = createLiveLimits({ perAddress: 0, total: 3, addressOf });
    const slots = [];
    for (const address of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) {
      const slot = await limits.acquire(from(address));
      expect(admitted(slot)).toBe(true);
      slots.push(slot as LiveSlot);
    }
    const fourth = await limits.acquire(from("192.0.2.4"));
    expect(fourth).toEqual({ refused: expect.stringMatching(/as many live readers as it can take/) });
    expect(limits.connections()).toBe(3);
    slots[0].release();
    slots[0].release(); // twice is once
    expect(limits.connections()).toBe(2);
    expect(admitted(await limits.acquire(from("192.0.2.4")))).toBe(true);
  });

  it("holds the total when many connections arrive at once while the shared count is asked", async () => {
    const shared = slowSharedCounts();
    const limits = createLiveLimits({ perAddress: 100, total: 5, addressOf, shared });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => limits.acquire(from(`198.51.100.${i}`))));
    expect(answers.filter(admitted)).toHaveLength(5);
    expect(limits.connections()).toBe(5);
    // A refused connection holds no site-wide slot either.
    expect([...shared.held.values()].reduce((sum, count) => sum + count, 0)).toBe(5);
  });

  it("holds the per-address cap when one address opens many at once", async () => {
    const limits = createLiveLimits({ perAddress: 3, total: 0, addressOf });
    const answers = await Promise.all(Array.from({ length: 10 }, () => limits.acquire(from("203.0.113.7"))));
    expect(answers.filter(admitted)).toHaveLength(3);
    expect(admitted(await limits.acquire(from("203.0.113.8")))).toBe(true);
  });

  it("0 switches a cap off", async () => {
    const limits = createLiveLimits({ perAddress: 0, total: 0, addressOf });
    const answers = await Promise.all(Array.from({ length: 200 }, () => limits.acquire(from("203.0.113.9"))));
    expect(answers.every(admitted)).toBe(true);
  });
});
