import { describe, expect, it } from "vitest";
import { headlineTokens } from "./headline-jaccard";
import { StoryIndex, type StoryEntry } from "./story-index";

const HOUR = 3600_000;
const WINDOW = 48 * HOUR;
const T0 = Date.UTC(2026, 10, 24, 12);

function entry(id: number, sourceId: number, title: string, hoursFromT0 = 0, clusterId: number | null = null): StoryEntry {
  return { id, sourceId, publishedAtMs: T0 + hoursFromT0 * HOUR, clusterId, tokens: headlineTokens(title) };
}

describe("StoryIndex", () => {
  it("finds the most similar headline from another source", () => {
    const index = new StoryIndex(WINDOW);
    index.add(entry(1, 1, "Magnitude 6.1 earthquake strikes central Japan"));
    index.add(entry(2, 2, "Strong earthquake strikes central Japan"));
    index.add(entry(3, 2, "Parliament passes the annual budget after long debate"));
    const match = index.bestMatch(entry(4, 3, "Earthquake of magnitude 6.1 strikes central Japan"));
    expect(match?.entry.id).toBe(1);
    expect(match?.similarity).toBe(1);
  });

  it("ignores its own source, itself, and headlines outside the window either way", () => {
    const index = new StoryIndex(WINDOW);
    index.add(entry(1, 1, "City council approves new cycling lanes downtown"));
    index.add(entry(2, 2, "City council approves new cycling lanes downtown", -49));
    index.add(entry(3, 2, "City council approves new cycling lanes downtown", 49));
    expect(index.bestMatch(entry(4, 1, "City council approves new cycling lanes downtown"))).toBeNull();
    expect(index.bestMatch(entry(1, 1, "City council approves new cycling lanes downtown"))).toBeNull();
    expect(index.bestMatch(entry(5, 3, "City council approves new cycling lanes downtown", 47))?.entry.id).toBe(1);
  });

  it("needs a similarity of one half and three significant words on each side", () => {
    const index = new StoryIndex(WINDOW);
    index.add(entry(1, 1, "Storm closes schools in Oslo")); // storm, close, school, oslo
    // 2 shared of 6 distinct words: 1/3.
    expect(index.bestMatch(entry(2, 2, "Storm delays trains in Bergen harbour"))).toBeNull();
    // 3 shared of 5 distinct words: 3/5.
    expect(index.bestMatch(entry(3, 2, "Storm closes schools in Bergen"))?.similarity).toBeCloseTo(0.6);
    index.add(entry(4, 1, "Oslo storm"));
    expect(index.size).toBe(1);
    expect(index.bestMatch(entry(5, 2, "Storm in Oslo"))).toBeNull();
  });

  it("prefers the earliest article when two match equally", () => {
    const index = new StoryIndex(WINDOW);
    index.add(entry(7, 1, "Airline suspends flights after outage in Lima"));
    index.add(entry(3, 2, "Airline suspends flights after outage in Lima"));
    expect(index.bestMatch(entry(9, 3, "Airline suspends flights after outage in Lima"))?.entry.id).toBe(3);
  });

  it("keeps cluster assignments and forgets old headlines", () => {
    const index = new StoryIndex(WINDOW);
    index.add(entry(1, 1, "Chipmaker unveils new factory in Dresden", -100));
    index.add(entry(2, 1, "Chipmaker unveils new factory in Austin", 0));
    index.setCluster(2, 2);
    expect(index.get(2)?.clusterId).toBe(2);
    expect(index.pruneOlderThan(T0 - 72 * HOUR)).toBe(1);
    expect(index.size).toBe(1);
    expect(index.get(1)).toBeUndefined();
    expect(index.bestMatch(entry(3, 2, "Chipmaker unveils new factory in Dresden", -99))).toBeNull();
    expect(index.bestMatch(entry(4, 2, "Chipmaker unveils new factory in Austin"))?.entry.id).toBe(2);
  });
});
