import { describe, expect, it } from "vitest";
import { describeSourceSummary } from "./sources-summary";

describe("describeSourceSummary", () => {
  it.each([
    [{ total: 0, failing: 0, pending: 0 }, "No sources yet."],
    [{ total: 1, failing: 0, pending: 0 }, "1 publisher followed, all feeds working."],
    [{ total: 10_000, failing: 400, pending: 200 }, "10,000 publishers followed, 400 with a feed that is failing right now."],
    [{ total: 10_000, failing: 0, pending: 10_000 }, "10,000 publishers followed, none checked yet."],
    [{ total: 12, failing: 0, pending: 2 }, "12 publishers followed, every feed checked so far working, 2 not checked yet."],
  ])("%j → %s", (summary, line) => {
    expect(describeSourceSummary(summary)).toBe(line);
  });
});
