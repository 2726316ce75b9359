// npx tsx scripts/story-eval.ts [dev|test] [--errors]
// Pairwise precision and recall of the story matcher on the evaluation set (tests/fixtures/story-eval/),
// and with --errors the pairs it got wrong. Tune on dev only; test is the held-out figure.
import { loadEvalSplit, scoreSplit, type PairError } from "../tests/helpers/story-eval";

const split = process.argv.includes("test") ? "test" : "dev";
const score = scoreSplit(loadEvalSplit(split));
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
process.stdout.write(
  `${split}: precision ${percent(score.precision)} (${score.correctPairs}/${score.predictedPairs} pairs), recall ${percent(score.recall)} (${score.correctPairs}/${score.truePairs} pairs), merges reported ${score.merges}\n`,
);
if (process.argv.includes("--errors")) {
  const line = (pair: PairError) => `  [${pair.a.event}] ${pair.a.title}\n  [${pair.b.event}] ${pair.b.title}\n`;
  process.stdout.write(`\nfalse merges (${score.falseMerges.length}):\n${score.falseMerges.map(line).join("\n")}`);
  process.stdout.write(`\nmissed pairs (${score.missedPairs.length}):\n${score.missedPairs.map(line).join("\n")}`);
}
