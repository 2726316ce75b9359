import { describe, expect, it } from "vitest";
import { extractNumberMentions, numberTerm, parseNewsNumber } from "./number-mentions";
import type { Language } from "./language";

function terms(text: string, language: Language = "en"): string[] {
  return extractNumberMentions(text, language).mentions.map(numberTerm).sort();
}

describe("parseNewsNumber", () => {
  it("reads thousands separators and decimal commas as each language writes them", () => {
    expect(parseNewsNumber("1,200", "en")).toBe(1200);
    expect(parseNewsNumber("1.200", "de")).toBe(1200);
    expect(parseNewsNumber("1.200", "en")).toBe(1.2);
    expect(parseNewsNumber("0,25", "fr")).toBe(0.25);
    expect(parseNewsNumber("1.200,5", "de")).toBe(1200.5);
    expect(parseNewsNumber("1 200", "fr")).toBe(1200);
    expect(parseNewsNumber("1.2.3.4.5", "en")).toBeNaN();
  });
});

describe("extractNumberMentions", () => {
  it("gives one rate move for every way of writing a quarter point", () => {
    for (const text of ["raised by 25bp", "a 25 bps hike", "by 25 basis points", "a 25-basis-point rise", "by a quarter point", "a quarter-point hike", "a quarter of a percentage point", "0.25 percentage points", "by 0.25 point"]) {
      expect(terms(text), text).toEqual(["#bp:25"]);
    }
    expect(terms("relevé de 0,25 point", "fr")).toEqual(["#bp:25"]);
    expect(terms("un quart de point", "fr")).toEqual(["#bp:25"]);
    expect(terms("um 25 Basispunkte", "de")).toEqual(["#bp:25"]);
    expect(terms("half a percentage point")).toEqual(["#bp:50"]);
    expect(terms("50bp")).toEqual(["#bp:50"]);
  });

  it("normalises money and scaled quantities so that different spellings meet", () => {
    expect(terms("$1.2bn")).toEqual(["#quantity:1200000000"]);
    expect(terms("1.2 billion dollars")).toEqual(["#quantity:1200000000"]);
    expect(terms("€500m deal")).toEqual(["#quantity:500000000"]);
    expect(terms("1,8 milliard d'euros", "fr")).toEqual(["#quantity:1800000000"]);
    expect(terms("1,2 Mrd. Euro", "de")).toEqual(["#quantity:1200000000"]);
    expect(terms("1,200,000 people")).toEqual(terms("1.2 million people"));
  });

  it("reads earthquake magnitudes written either way, in several languages", () => {
    for (const text of ["magnitude 6.1 quake", "a 6.1-magnitude quake", "a 6.1 magnitude tremor", "an M6.1 event", "revised the magnitude to 6.1"]) {
      expect(terms(text), text).toEqual(["#magnitude:6.1"]);
    }
    expect(terms("Erdbeben der Stärke 6,1", "de")).toEqual(["#magnitude:6.1"]);
    expect(terms("sismo de magnitud 6,1", "es")).toEqual(["#magnitude:6.1"]);
  });

  it("reads scores from either side, with a dash, an en dash or a German colon", () => {
    expect(terms("Arsenal 2-1 Chelsea")).toEqual(["#score:1-2"]);
    expect(terms("lost 1–2 at home")).toEqual(["#score:1-2"]);
    expect(terms("gewinnt 3:0 in Dortmund", "de")).toEqual(["#score:0-3"]);
  });

  it("does not take times, dates, ranges with units or years for scores", () => {
    expect(terms("at 11:08 local time")).not.toContain("#score:8-11");
    expect(terms("the 2025-26 season").some((term) => term.startsWith("#score"))).toBe(false);
    expect(terms("10-15 cm of snow").some((term) => term.startsWith("#score"))).toBe(false);
    expect(terms("on 2026-11-30").some((term) => term.startsWith("#score"))).toBe(false);
  });

  it("reads percentages, ranges of them, and temperatures", () => {
    expect(terms("to 4.5%")).toEqual(["#pct:4.5"]);
    expect(terms("to 4.5 per cent")).toEqual(["#pct:4.5"]);
    expect(terms("a range of 4.25%-4.5%")).toEqual(["#pct:4.25", "#pct:4.5"]);
    expect(terms("à 3 %", "fr")).toEqual(["#pct:3"]);
    expect(terms("reached 43C")).toEqual(["#temperature:43"]);
    expect(terms("43 degrees")).toEqual(["#temperature:43"]);
  });

  it("blanks what it read, so the words around stay where they were", () => {
    const { rest } = extractNumberMentions("Fed raises rates by 25 basis points", "en");
    expect(rest).toHaveLength("Fed raises rates by 25 basis points".length);
    expect(rest.trim()).toBe("Fed raises rates by");
  });

  it("returns nothing for text without figures, and never throws on odd input", () => {
    expect(terms("no figures here")).toEqual([]);
    expect(() => extractNumberMentions("9".repeat(5000) + ".".repeat(5000) + "1,".repeat(2000), "en")).not.toThrow();
    expect(() => extractNumberMentions("震度5強の地震", "other")).not.toThrow();
  });
});
