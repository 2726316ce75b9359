import { describe, expect, it } from "vitest";
import { createHostLimiter } from "./host-limiter";

/** A promise and the function that settles it. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("the per-host limit", () => {
  it("lets the host's next fetch start once a check has read its feed, before it has stored it", async () => {
    const limiter = createHostLimiter(1);
    const stored = gate();
    const events: string[] = [];
    const first = limiter.run("https://publisher.example/a", async (_waited, fetched) => {
      events.push("a fetched");
      fetched();
      await stored.opened; // parsing and storing, still under way
      events.push("a stored");
    });
    const second = limiter.run("https://publisher.example/b", async () => {
      events.push("b fetching");
    });
    await second;
    expect(events).toEqual(["a fetched", "b fetching"]);
    stored.open();
    await first;
  });

  it("keeps the host's next fetch waiting while a check has not read its feed", async () => {
    const limiter = createHostLimiter(1);
    const answered = gate();
    const events: string[] = [];
    const first = limiter.run("https://publisher.example/a", async () => {
      await answered.opened;
      events.push("a done");
    });
    const second = limiter.run("https://publisher.example/b", async () => {
      events.push("b fetching");
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    answered.open();
    await Promise.all([first, second]);
    expect(events).toEqual(["a done", "b fetching"]);
  });

  it("gives a turn back once however often it is given back", async () => {
    const limiter = createHostLimiter(1);
    // The first check gives its turn back twice, once three fetches wait behind it, and goes on (storing):
    // they must still reach the host one at a time.
    const answered = gate();
    const stored = gate();
    const first = limiter.run("https://publisher.example/a", async (_waited, fetched) => {
      await answered.opened;
      fetched();
      fetched();
      await stored.opened;
    });
    let fetching = 0;
    let most = 0;
    const fetchFeed = async () => {
      fetching += 1;
      most = Math.max(most, fetching);
      await new Promise((resolve) => setTimeout(resolve, 5));
      fetching -= 1;
    };
    const queued = Promise.all(["b", "c", "d"].map((feed) => limiter.run(`https://publisher.example/${feed}`, fetchFeed)));
    answered.open();
    await queued;
    expect(most).toBe(1);
    stored.open();
    await first;
  });

  it("does not hold other hosts back", async () => {
    const limiter = createHostLimiter(1);
    const answered = gate();
    const first = limiter.run("https://slow.example/a", () => answered.opened);
    let other = false;
    await limiter.run("https://other.example/b", async () => {
      other = true;
    });
    expect(other).toBe(true);
    answered.open();
    await first;
  });
});
