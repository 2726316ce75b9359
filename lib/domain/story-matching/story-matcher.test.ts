import { describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "../errors";
import type { StoryMatcher as StoryDeskMatcher } from "../story-matcher";
import { StoryMatcher, type ArticleToMatch } from "./story-matcher";

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 4, 12);

let nextId = 1;
function article(sourceId: number, hours: number, title: string, summary = "", id = nextId++): ArticleToMatch {
  return { id, sourceId, title, summary, publishedAtMs: T0 + hours * HOUR };
}

const FED_1 = () => article(1, 7, "Fed raises rates by a quarter point", "The Federal Reserve lifted its benchmark rate by 25 basis points to 4.75% on Wednesday, Chair Maria Okafor said.");
const FED_2 = () => article(2, 7.5, "Federal Reserve hikes interest rates 25bp", "US policymakers raised the federal funds rate to 4.75%, citing sticky inflation.");
const FED_3 = () => article(3, 8, "US central bank lifts borrowing costs by 0.25 percentage point", "Okafor said the Federal Reserve would watch the data.");
const ECB = () => article(4, 1.5, "ECB holds rates at 3% as eurozone stalls", "The European Central Bank kept its deposit rate unchanged on Wednesday, President Lena Vogt said.");

describe("StoryMatcher: what is one event", () => {
  it("analyses words that are also names of Object.prototype's properties like any other word", () => {
    const matcher = new StoryMatcher();
    // Once looked up in a plain object: "constructor" found its function and the article could not be added.
    const first = article(1, 1, "Formula One constructor title decided in Abu Dhabi", "McLaren clinched the constructor championship; toString valueOf hasOwnProperty __proto__");
    expect(matcher.add(first)).toEqual({ storyId: first.id, joined: false, mergedStoryIds: [] });
    const second = article(2, 1.5, "McLaren wins Formula One constructor title in Abu Dhabi", "The constructor championship went to McLaren.");
    expect(matcher.add(second)).toEqual({ storyId: first.id, joined: true, mergedStoryIds: [] });
    for (const word of ["constructor", "Constructor", "CONSTRUCTOR", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      expect(() => matcher.add(article(3, 2, `${word} ${word}`))).not.toThrow();
    }
  });

  it("puts outlets' different wordings of one event in one story, with the first article's id", () => {
    const matcher = new StoryMatcher();
    const first = FED_1();
    expect(matcher.add(first)).toEqual({ storyId: first.id, joined: false, mergedStoryIds: [] });
    expect(matcher.add(FED_2())).toEqual({ storyId: first.id, joined: true, mergedStoryIds: [] });
    expect(matcher.add(FED_3())).toEqual({ storyId: first.id, joined: true, mergedStoryIds: [] });
    expect(matcher.story(first.id)).toMatchObject({ sourceIds: [1, 2, 3], coveredBySeveralSources: true });
  });

  it("keeps another central bank's decision the same day apart", () => {
    const matcher = new StoryMatcher();
    const ecb = ECB();
    matcher.add(ecb);
    const fed = FED_1();
    expect(matcher.add(fed)).toMatchObject({ storyId: fed.id, joined: false });
    expect(matcher.add(FED_2()).storyId).toBe(fed.id);
    expect(matcher.story(ecb.id)?.articleIds).toEqual([ecb.id]);
  });

  it("keeps a hold and a hike of the same central bank apart", () => {
    const matcher = new StoryMatcher();
    const hold = article(1, 0, "Bank of England holds interest rates at 4%", "The Monetary Policy Committee kept Bank Rate unchanged at 4%.");
    matcher.add(hold);
    const hike = article(2, 20, "Bank of England raises interest rates to 4.25%", "The Monetary Policy Committee lifted Bank Rate by a quarter point.");
    expect(matcher.add(hike).joined).toBe(false);
  });

  it("keeps two matches of one team with different scores apart", () => {
    const matcher = new StoryMatcher();
    matcher.add(article(1, 0, "Arsenal 1-1 Bayern Munich: Kessler rescues a point", "Jonas Kessler equalised late for Bayern against Arsenal in the Champions League."));
    const later = article(2, 40, "Arsenal 2-1 Bayern Munich: Hart wins it late", "Leo Hart scored late as Arsenal beat Bayern in the Champions League.");
    expect(matcher.add(later).joined).toBe(false);
  });

  it("keeps two storms, and one storm in two cities, apart", () => {
    const matcher = new StoryMatcher();
    matcher.add(article(1, 0, "Storm Ava floods Lisbon streets", "Storm Ava brought record rain to Lisbon, flooding metro stations."));
    expect(matcher.add(article(2, 30, "Storm Bram floods Lisbon streets", "Storm Bram brought record rain to Lisbon, flooding metro stations.")).joined).toBe(false);
    expect(matcher.add(article(3, 2, "Flash floods swamp Valencia streets", "Torrential rain flooded metro stations in Valencia.")).joined).toBe(false);
  });

  it("never matches articles published more than two days apart", () => {
    const matcher = new StoryMatcher();
    const text = ["Orbis Semiconductor profit beats forecasts", "Orbis reported third-quarter net income of $3.1bn on AI chip demand."] as const;
    matcher.add(article(1, 0, ...text));
    expect(matcher.add(article(2, 49, ...text)).joined).toBe(false);
    expect(matcher.add(article(3, 47, ...text)).joined).toBe(true);
  });

  it("lets a source's own follow-up join without counting that source twice", () => {
    const matcher = new StoryMatcher();
    const first = FED_1();
    matcher.add(first);
    const followUp = article(first.sourceId, 9, "Okafor says Fed not on a preset course after quarter-point hike", "Speaking after the Federal Reserve's 25 basis point increase, Maria Okafor said future moves depend on data.");
    expect(matcher.add(followUp)).toMatchObject({ storyId: first.id, joined: true });
    expect(matcher.story(first.id)).toMatchObject({ articleIds: [first.id, followUp.id], sourceIds: [first.sourceId], coveredBySeveralSources: false });
    matcher.add(FED_2());
    expect(matcher.story(first.id)?.coveredBySeveralSources).toBe(true);
  });

  it("does not join a roundup of two central banks to either bank's story", () => {
    const matcher = new StoryMatcher();
    const ecb = ECB();
    matcher.add(ecb);
    const fed = FED_1();
    matcher.add(fed);
    matcher.add(FED_2());
    const roundup = article(5, 9, "Analysis: why the Fed and the ECB are moving in opposite directions", "The Federal Reserve raised rates by a quarter point hours after the European Central Bank held.");
    expect(matcher.add(roundup).joined).toBe(false);
  });

  it("matches articles in other scripts only when they are near copies, and never with Latin ones", () => {
    const matcher = new StoryMatcher();
    const japanese = article(1, 0, "東京で震度5強の地震", "気象庁によると、東京で震度5強の地震が発生した。");
    matcher.add(japanese);
    expect(matcher.add(article(2, 1, "東京で震度5強の地震", "気象庁によると、東京で震度5強の地震が発生した。")).storyId).toBe(japanese.id);
    expect(matcher.add(article(3, 1, "大阪で新しい美術館が開館", "大阪市に新しい美術館が開館した。")).joined).toBe(false);
    expect(matcher.add(article(4, 1, "Strong earthquake hits Tokyo", "Japan's weather agency measured a strong earthquake in Tokyo.")).joined).toBe(false);
    expect(matcher.add(article(5, 1, "Землетрясение в Токио", "")).joined).toBe(false);
  });
});

describe("StoryMatcher: merges", () => {
  it("merges two stories that a new article strongly matches, reporting the younger one, older id surviving", () => {
    const matcher = new StoryMatcher();
    const launch = article(1, 0, "Lumina unveils Fold phone", "");
    const price = article(2, 0.5, "Foldable device priced at $1,799 ships November 20", "");
    matcher.add(launch);
    expect(matcher.add(price).joined).toBe(false);
    const both = article(3, 1, "Lumina unveils Fold phone: foldable device priced at $1,799 ships November 20", "Lumina unveils Fold phone. The foldable device is priced at $1,799 and ships November 20.");
    expect(matcher.add(both)).toEqual({ storyId: launch.id, joined: true, mergedStoryIds: [price.id] });
    expect(matcher.story(launch.id)?.articleIds).toEqual([launch.id, price.id, both.id]);
    expect(matcher.story(price.id)).toBeUndefined();
    expect(matcher.storyOf(price.id)).toBe(launch.id);
    expect(matcher.storyCount).toBe(1);
  });
});

describe("StoryMatcher: as the story desk's matcher", () => {
  it("assigns like add, through the desk's interface", () => {
    const desk: StoryDeskMatcher = new StoryMatcher();
    const first = FED_1();
    expect(desk.assign({ ...first, summary: first.summary ?? "" })).toMatchObject({ storyId: first.id, mergedStoryIds: [] });
    const second = FED_2();
    expect(desk.assign({ ...second, summary: second.summary ?? "" })).toMatchObject({ storyId: first.id, mergedStoryIds: [] });
  });
});

describe("StoryMatcher: restoring decisions made before", () => {
  it("remembers restored articles in their stories, and new coverage joins them", () => {
    const matcher = new StoryMatcher();
    const fed1 = FED_1();
    const fed2 = FED_2();
    matcher.restore(fed1, 77);
    matcher.restore(fed2, 77);
    expect(matcher.story(77)?.articleIds).toEqual([fed1.id, fed2.id]);
    expect(matcher.storyOf(fed2.id)).toBe(77);
    expect(matcher.add(FED_3())).toMatchObject({ storyId: 77, joined: true });
    expect(() => matcher.restore(fed1, 77)).toThrow(ConflictError);
    expect(() => matcher.restore({ ...ECB() }, Number.NaN)).toThrow(ValidationError);
  });

  it("decides new articles after a restart as the running matcher did, given the same history", () => {
    nextId = 500;
    const history = [ECB(), FED_1(), FED_2(), article(5, 3, "Storm Ava floods Lisbon streets", "Storm Ava brought record rain to Lisbon.")];
    const next = [FED_3(), article(6, 8.5, "Lisbon flooded as Storm Ava hits Portugal", "Record rain from Storm Ava flooded Lisbon.")];
    const running = new StoryMatcher();
    const decided = history.map((input) => running.add(input).storyId);
    const restarted = new StoryMatcher();
    history.forEach((input, i) => restarted.restore(input, decided[i]));
    expect(next.map((input) => restarted.add(input))).toEqual(next.map((input) => running.add(input)));
  });
});

describe("StoryMatcher: determinism, pruning, bad input", () => {
  const stream = (): ArticleToMatch[] => {
    nextId = 100;
    return [ECB(), FED_1(), FED_2(), article(5, 3, "Storm Ava floods Lisbon streets", "Storm Ava brought record rain to Lisbon."), FED_3(), article(6, 4, "Lisbon flooded as Storm Ava hits Portugal", "Record rain from Storm Ava flooded Lisbon.")];
  };

  it("gives the same stories for the same articles in the same order, every time", () => {
    const run = () => {
      const matcher = new StoryMatcher();
      return stream().map((input) => matcher.add(input));
    };
    expect(run()).toEqual(run());
  });

  it("prunes articles published before a time, keeps stories with articles left, drops empty ones", () => {
    const matcher = new StoryMatcher();
    const articles = stream();
    for (const input of articles) matcher.add(input);
    const [ecb, fed1, , storm] = articles;
    expect(matcher.size).toBe(6);
    expect(matcher.storyOf(articles[5].id)).toBe(storm.id);
    // Published before 7:12: the ECB article, the first Fed article and both storm articles.
    expect(matcher.prune(T0 + 7.2 * HOUR)).toBe(4);
    expect(matcher.size).toBe(2);
    expect(matcher.story(ecb.id)).toBeUndefined();
    expect(matcher.story(storm.id)).toBeUndefined();
    expect(matcher.storyOf(fed1.id)).toBeUndefined();
    // The Fed story keeps its id (its first article's) with the articles left.
    expect(matcher.story(fed1.id)?.articleIds).toEqual([articles[2].id, articles[4].id]);
    // What was pruned is forgotten: the same text can start afresh, and new coverage still finds the rest.
    expect(matcher.add({ ...ECB(), id: 900 }).joined).toBe(false);
    expect(matcher.add({ ...FED_2(), id: 901, sourceId: 9 }).storyId).toBe(fed1.id);
    expect(matcher.prune(T0 - HOUR)).toBe(0);
    expect(matcher.prune(T0 + 100 * HOUR)).toBe(4);
    expect(matcher.size).toBe(0);
    expect(matcher.storyCount).toBe(0);
    expect(matcher.add({ ...FED_1(), id: 902 }).joined).toBe(false);
  });

  it("rejects malformed articles with a clear error and a duplicate with a conflict", () => {
    const matcher = new StoryMatcher();
    const good = article(1, 0, "Fed raises rates", "");
    matcher.add(good);
    expect(() => matcher.add({ ...good })).toThrow(ConflictError);
    expect(() => matcher.add({ ...good, id: 1.5 })).toThrow(ValidationError);
    expect(() => matcher.add({ ...good, id: 7, sourceId: Number.NaN })).toThrow(ValidationError);
    expect(() => matcher.add({ ...good, id: 8, publishedAtMs: Number.POSITIVE_INFINITY })).toThrow(ValidationError);
    expect(() => matcher.add({ ...good, id: 9, title: 42 as unknown as string })).toThrow(ValidationError);
    expect(() => matcher.add({ ...good, id: 10, summary: {} as unknown as string })).toThrow(ValidationError);
    expect(() => matcher.prune(Number.NaN)).toThrow(ValidationError);
    expect(matcher.size).toBe(1);
    expect(matcher.add({ ...good, id: 11, summary: null }).storyId).toBe(good.id);
  });

  it("bounds what it reads of a stranger's huge title and summary", () => {
    const matcher = new StoryMatcher();
    const huge = "word ".repeat(200_000);
    expect(() => matcher.add(article(1, 0, huge, huge))).not.toThrow();
    expect(matcher.size).toBe(1);
  });
});
