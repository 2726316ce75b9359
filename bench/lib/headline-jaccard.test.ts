import { describe, expect, it } from "vitest";
import { headlineTokens, isSameStory } from "./headline-jaccard";

const same = (a: string, b: string) => isSameStory(headlineTokens(a), headlineTokens(b));

describe("story clustering by headline", () => {
  it("groups the same story told in slightly different words", () => {
    expect(same("Fed raises interest rates by a quarter point", "Fed raised interest rates a quarter point")).toBe(true);
    expect(same("Earthquake of magnitude 6.1 strikes central Japan", "Magnitude 6.1 earthquake strikes central Japan")).toBe(true);
    expect(same("Zürich wins the bid for 2030 games", "Zurich wins bid for the 2030 Games")).toBe(true);
  });

  it("keeps different stories apart", () => {
    expect(same("Fed raises interest rates by a quarter point", "Bank of England holds interest rates")).toBe(false);
    expect(same("Earthquake strikes central Japan", "Typhoon approaches southern Japan coast")).toBe(false);
  });

  it("does not cluster headlines too short to judge", () => {
    expect(same("Live updates", "Live updates")).toBe(false);
  });
});
