// A synthetic news stream for the story-matching bench: events, each covered by one to five outlets in
// different words, over a few days. What matters for speed is that it looks like news to an inverted index:
// a Zipf-like vocabulary (a few words in every article, most words rare), names that recur within an event,
// numbers, and summaries of one to three sentences. headlines.ts's 40 × 30 × 40 templates are too uniform:
// every headline shares words with thousands of others, which no real feed does.
import { prng } from "./util";

export type CorpusArticle = { id: number; sourceId: number; title: string; summary: string; publishedAtMs: number };

const COMMON = (
  "government minister police court company market city people plan report deal talks election vote budget health " +
  "school hospital water energy power oil gas price prices tax rate bank shares profit sales jobs workers union strike " +
  "protest fire storm flood rain snow heat record year week month day night morning president leader party coalition " +
  "parliament law bill ban trade tariff export import growth economy inflation investors deal merger team match win " +
  "season coach league cup final title game player fans club study scientists researchers space launch mission data " +
  "app users phone chip software outage hack security border migrants army troops attack ceasefire aid crisis warning " +
  "officials residents families children students teachers doctors nurses patients drug vaccine virus outbreak cases " +
  "film festival music tour museum art book prize award show star director airport flights trains roads bridge port " +
  "housing rents homes land farm farmers food fuel climate emissions wind solar nuclear grid costs wages pensions debt"
).split(" ");
const VERBS = "raises cuts holds approves rejects delays unveils expands probes backs blocks suspends launches settles extends defends warns halts signs scraps reviews doubles freezes restores announces funds debates wins loses beats draws hits strikes".split(" ");
const SYLLABLES = "ka ri to mel an vos ter li na bro dex ul sa fen gor i mo qua zen har pel tu vik ro os lin dar e cas bel ny".split(" ");

function word(random: () => number, syllables: number): string {
  let text = "";
  for (let i = 0; i < syllables; i++) text += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  return text;
}

/** Picks from a list with a Zipf-like skew: early entries often, late ones rarely. */
function skewed<T>(random: () => number, list: T[]): T {
  return list[Math.floor(list.length * random() ** 2.5)];
}

export type CorpusOptions = { seed?: number; startMs?: number; spanMs?: number; sources?: number };

/**
 * Yields `count` articles in publication order. About 40 % of events are covered by more than one outlet
 * (2–5 articles within a few hours); the rest are single articles.
 */
export function* newsCorpus(count: number, options: CorpusOptions = {}): Generator<CorpusArticle> {
  const random = prng(options.seed ?? 11);
  const startMs = options.startMs ?? Date.UTC(2026, 10, 1);
  const spanMs = options.spanMs ?? 72 * 3600 * 1000;
  const sources = options.sources ?? 400;
  const names = Array.from({ length: 30_000 }, () => {
    const name = word(random, 2 + Math.floor(random() * 2));
    return name[0].toUpperCase() + name.slice(1);
  });
  const rare = Array.from({ length: 40_000 }, () => word(random, 2 + Math.floor(random() * 3)));
  const vocabulary = [...COMMON, ...rare];
  const pending: CorpusArticle[] = [];
  let nextId = 1;
  let emitted = 0;
  let clock = startMs;
  const step = spanMs / count;
  while (emitted < count) {
    // A new event: its names, place, topic words and figure, told by one to five outlets.
    const core = {
      people: [skewed(random, names), skewed(random, names)],
      place: skewed(random, names),
      topic: Array.from({ length: 3 }, () => skewed(random, vocabulary)),
      verb: VERBS[Math.floor(random() * VERBS.length)],
      figure: `${Math.floor(random() * 900) + 10}`,
    };
    const roll = random();
    const outlets = roll < 0.6 ? 1 : roll < 0.75 ? 2 : roll < 0.87 ? 3 : roll < 0.95 ? 4 : 5;
    for (let k = 0; k < outlets; k++) {
      const extra = () => skewed(random, vocabulary);
      const titleWords = [core.people[k % 2], core.verb, core.topic[0], core.topic[1 + (k % 2)], "in", core.place];
      if (random() < 0.5) titleWords.push(core.figure, extra());
      const sentence = () => {
        const words = [core.people[0], core.people[1], extra(), extra(), "said", core.topic[k % 3], extra(), extra(), "in", core.place, extra(), core.figure, extra()];
        for (let i = words.length - 1; i > 2; i--) {
          const j = 2 + Math.floor(random() * (i - 1));
          [words[i], words[j]] = [words[j], words[i]];
        }
        return `${words.join(" ")}.`;
      };
      const sentences = 1 + Math.floor(random() * 3);
      pending.push({
        id: nextId++,
        sourceId: 1 + Math.floor(random() * sources),
        title: titleWords.join(" "),
        summary: Array.from({ length: sentences }, sentence).join(" "),
        publishedAtMs: clock + k * Math.floor(random() * 3 * 3600 * 1000),
      });
    }
    clock += step * outlets;
    // Release what is due, oldest first, so the stream is in publication order.
    pending.sort((a, b) => a.publishedAtMs - b.publishedAtMs || a.id - b.id);
    while (pending.length > 0 && pending[0].publishedAtMs <= clock && emitted < count) {
      emitted += 1;
      yield pending.shift()!;
    }
    if (pending.length > 0 && emitted < count && clock > startMs + spanMs * 2) break;
  }
  pending.sort((a, b) => a.publishedAtMs - b.publishedAtMs || a.id - b.id);
  for (const article of pending) {
    if (emitted >= count) return;
    emitted += 1;
    yield article;
  }
}
