import { describe, expect, it } from "vitest";
import { analyzeArticle, CAPITALISED, ENTITY, IN_SUMMARY, IN_TITLE, MAX_TERMS } from "./article-features";

const termsOf = (title: string, summary = "") => [...analyzeArticle(title, summary).terms.keys()];
const flagsOf = (title: string, summary: string, term: string) => analyzeArticle(title, summary).terms.get(term) ?? 0;

describe("analyzeArticle: language, stemming, stop words", () => {
  it("guesses the language from its stop words", () => {
    expect(analyzeArticle("Fed raises rates", "The central bank said it would act.").language).toBe("en");
    expect(analyzeArticle("La BCE maintient ses taux", "La Banque centrale européenne a laissé son taux de dépôt à 3 %.").language).toBe("fr");
    expect(analyzeArticle("EZB lässt Leitzins unverändert", "Die Europäische Zentralbank hat die Zinsen nicht angetastet.").language).toBe("de");
    expect(analyzeArticle("El Real Madrid golea al Sevilla", "Dos goles de Navas encarrilaron la victoria en el Bernabéu.").language).toBe("es");
  });

  it("stems inflections together and drops stop words and boilerplate", () => {
    expect(termsOf("Storms flood villages")).toEqual(termsOf("Storm floods village"));
    expect(termsOf("The minister says the plan is over")).not.toContain("the");
    expect(termsOf("The minister says the plan is over")).not.toContain("sai");
  });

  it("folds accents after stemming, so French words meet with or without them", () => {
    expect(termsOf("Réforme des retraites")).toEqual(termsOf("Reforme des retraites"));
  });
});

describe("analyzeArticle: the news vocabulary", () => {
  it("maps the verbs outlets swap for one another to one direction", () => {
    for (const title of ["Fed raises rates", "Fed lifts rates", "Fed hikes rates", "Fed increases rates"]) {
      expect(termsOf(title), title).toContain("~dir:up");
    }
    expect(termsOf("ECB holds rates")).toContain("~dir:flat");
    expect(termsOf("ECB leaves rates unchanged")).toContain("~dir:flat");
    expect(termsOf("BoE cuts rates")).toContain("~dir:down");
  });

  it("knows a central bank by any of its names, in several languages", () => {
    for (const title of ["Fed raises rates", "Federal Reserve raises rates", "US central bank raises rates", "La Réserve fédérale relève ses taux"]) {
      expect(termsOf(title), title).toContain("@cb:fed");
    }
    for (const title of ["ECB holds", "European Central Bank holds", "La BCE maintient ses taux", "EZB belässt Leitzins"]) {
      expect(termsOf(title), title).toContain("@cb:ecb");
    }
    expect(termsOf("Bank of England holds rates")).toContain("@cb:boe");
  });

  it("maps a country's adjective and its names in other languages to the country", () => {
    for (const title of ["French strike grounds flights", "Strike in France grounds flights", "Grève en France", "Streik in Frankreich"]) {
      expect(termsOf(title), title).toContain("@country:france");
    }
  });

  it("reads short acronyms only in capitals: US is a country, us is a pronoun", () => {
    expect(termsOf("US and UK sign deal")).toEqual(expect.arrayContaining(["@country:united-states", "@country:united-kingdom"]));
    expect(termsOf("Tell us what you think")).not.toContain("@country:united-states");
    expect(termsOf("U.S. economy adds jobs")).toContain("@country:united-states");
    expect(termsOf("WHO warns of outbreak")).toContain("@org:who");
    expect(termsOf("Who warns of outbreak")).not.toContain("@org:who");
  });

  it("maps synonyms of event nouns: quake, earthquake, tremor, séisme", () => {
    expect(termsOf("Quake hits Japan")).toContain("~quake");
    expect(termsOf("Earthquake hits Japan")).toContain("~quake");
    expect(termsOf("Tremor rattles Japan")).toContain("~quake");
    expect(termsOf("Un séisme frappe le Japon")).toContain("~quake");
  });

  it("keeps words that stemming would confuse apart: earnings are profit, earned is not", () => {
    expect(termsOf("Orbis earnings beat forecasts")).toContain("~profit");
    expect(termsOf("Bayern earned a draw")).not.toContain("~profit");
  });
});

describe("analyzeArticle: fields and entities", () => {
  it("records whether a term is in the headline, the summary or both", () => {
    expect(flagsOf("Fed raises rates", "The Fed acted on Wednesday.", "wednesdai") & (IN_TITLE | IN_SUMMARY)).toBe(IN_SUMMARY);
    expect(flagsOf("Fed raises rates", "The Fed acted on Wednesday.", "@cb:fed") & (IN_TITLE | IN_SUMMARY)).toBe(IN_TITLE | IN_SUMMARY);
  });

  it("takes words capitalised mid-sentence for names, but not days or titles of office", () => {
    const summary = "Striker Leo Hart scored on Sunday as Arsenal beat Chelsea, President Okafor said.";
    expect(flagsOf("Arsenal beat Chelsea", summary, "chelsea") & ENTITY).toBe(ENTITY);
    expect(flagsOf("Arsenal beat Chelsea", summary, "hart") & ENTITY).toBe(ENTITY);
    expect(flagsOf("Arsenal beat Chelsea", summary, "sundai") & ENTITY).toBe(0);
    expect(flagsOf("Arsenal beat Chelsea", summary, "presid") & ENTITY).toBe(0);
  });

  it("does not read names from the capitals of a Title Case headline, unless the summary confirms them", () => {
    const features = analyzeArticle("Storm Lashes Portugal, Swamping Lisbon Subway", "Heavy rain fell on Lisbon.");
    expect((features.terms.get("lash") ?? 0) & ENTITY).toBe(0);
    expect((features.terms.get("lisbon") ?? 0) & ENTITY).toBe(ENTITY);
    expect((features.terms.get("lash") ?? 0) & CAPITALISED).toBe(CAPITALISED);
  });

  it("uses a lexicon of names learned from earlier articles for bare Title Case headlines", () => {
    const known = analyzeArticle("Arsenal Edges Chelsea In London Clash", "", { isKnownName: (stem) => stem === "chelsea" });
    expect((known.terms.get("chelsea") ?? 0) & ENTITY).toBe(ENTITY);
    expect((known.terms.get("clash") ?? 0) & ENTITY).toBe(0);
  });

  it("recognises named storms, and reports names seen in sentence case for the lexicon", () => {
    const features = analyzeArticle("Storm Ava batters Lisbon", "Storm Ava brought record rain to the city.");
    expect(features.terms.has("@storm:ava")).toBe(true);
    expect(features.capitalisedStems).toContain("lisbon");
    expect(features.lowercaseStems).toContain("record");
  });

  it("stems a capitalised word alike in every language, so names meet across languages", () => {
    expect(termsOf("Bayern holt 1:1 bei Arsenal", "Jonas Kessler rettete einen Punkt.")).toEqual(expect.arrayContaining(["bayern", "kessler"]));
    expect(termsOf("Arsenal 1-1 Bayern Munich", "Jonas Kessler rescued a point.")).toEqual(expect.arrayContaining(["bayern", "kessler"]));
  });
});

describe("analyzeArticle: any input", () => {
  it("never throws, whatever the script, and treats other scripts conservatively", () => {
    const inputs = ["東京で震度5強の地震", "Землетрясение в Японии: погибли 12 человек", "زلزال يضرب اليابان", "Σεισμός στην Ιαπωνία", "🌪️🔥💥", "\u0000\u0007\uFFFF\uD800", "   ", ""];
    for (const text of inputs) {
      expect(() => analyzeArticle(text, text), JSON.stringify(text)).not.toThrow();
    }
    expect(analyzeArticle("Землетрясение в Японии", "Погибли 12 человек").language).toBe("other");
    expect(analyzeArticle("東京で地震が発生", "").terms.has("東京で地震が発生")).toBe(true);
  });

  it("accepts a missing or non-string summary or title as empty", () => {
    expect(analyzeArticle("Fed raises rates", undefined).terms.size).toBeGreaterThan(0);
    expect(analyzeArticle(null, 42).terms.size).toBe(0);
  });

  it("bounds the terms kept per article, headline terms first", () => {
    const summary = Array.from({ length: 300 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}x`).join(" ");
    const features = analyzeArticle("Unique headline terms survive", summary);
    expect(features.terms.size).toBe(MAX_TERMS);
    expect([...features.terms.keys()].slice(0, 4)).toEqual(["uniqu", "headlin", "term", "surviv"]);
  });
});
