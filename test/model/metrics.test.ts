import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cardPrecisionAtK, compareCards, knownCompromisedCards, type ScoredTransaction } from '../../src/model/card-precision.ts';
import { atThreshold, aucRoc, averagePrecision } from '../../src/model/metrics.ts';
import { pandasDescendingOrder } from '../../src/model/pandas-order.ts';
import { FIXTURE, scoringFixture, writeFixtureFiles } from './score-fixture.ts';

test('AUC ROC and average precision on a case worked by hand', () => {
  // Pairs (fraud, legit): 0.9>0.8, 0.9>0.1, 0.7<0.8, 0.7>0.1 → 3/4.
  assert.equal(aucRoc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]), 0.75);
  // Recall 0.5 at precision 1, then 1 at precision 2/3.
  assert.ok(Math.abs(averagePrecision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) - (0.5 + 0.5 * (2 / 3))) < 1e-12);
  // Ties: half a pair each; AP takes a tie run as one threshold.
  assert.equal(aucRoc([1, 0], [0.5, 0.5]), 0.5);
  assert.equal(averagePrecision([1, 0, 0], [1, 1, 0]), 0.5);
  assert.ok(Number.isNaN(aucRoc([0, 0], [1, 2])));
  assert.ok(Number.isNaN(averagePrecision([0, 0], [1, 2])));
});

test('precision and recall at a threshold', () => {
  const figures = atThreshold([1, 0, 1, 0, 1], [0.9, 0.8, 0.4, 0.1, 0.85], 0.8);
  assert.deepEqual({ ...figures }, { threshold: 0.8, flagged: 3, truePositives: 2, precision: 2 / 3, recall: 2 / 3 });
  assert.ok(Number.isNaN(atThreshold([1], [0.1], 0.5).precision));
});

test('cards are ordered by the number after their letter, as score.py orders them', () => {
  assert.deepEqual(['C100', 'x', 'C12', 'C2', '7'].sort(compareCards), ['C2', '7', 'C12', 'C100', 'x']);
});

test('tied scores keep the order pandas 1.3 gave them (recorded from numpy 1.19 on these inputs)', () => {
  // A run longer than numpy's insertion-sort cutoff (16), so the quicksort partitioning decides the order of ties.
  const scores = [3, 1, 2, 1, 3, 0, 2, 2, 1, 0, 3, 1, 2, 0, 1, 3, 2, 1, 0, 2];
  const order = pandasDescendingOrder(scores);
  assert.deepEqual([...order.map((i) => scores[i])], [...scores].sort((a, b) => b - a));
  // The order score.py's pandas_descending_order gives for this input (not a stable sort's: 0 before 4, 15 before 10).
  assert.deepEqual(order, [0, 4, 15, 10, 6, 7, 12, 2, 16, 19, 3, 8, 1, 11, 14, 17, 5, 9, 13, 18]);
});

/** The fixture scored by our functions, with the Handbook's exclusion of known-compromised cards. */
function ourFigures(): Record<string, number> {
  const rows = scoringFixture();
  const day = (r: { timestamp: string }) => r.timestamp.slice(0, 10);
  const testDays = ['2018-08-05', '2018-08-06', '2018-08-07'];
  const known = knownCompromisedCards({
    frauds: rows.filter((r) => r.fraud).map((r) => ({ day: day(r), card: r.card })),
    testDays,
    trainDays: FIXTURE.deltaTrain,
    delayDays: FIXTURE.deltaDelay,
  });
  const kept: ScoredTransaction[] = rows
    .filter((r) => testDays.includes(day(r)) && !known.get(day(r))?.has(r.card))
    .map((r) => ({ day: day(r), card: r.card, score: r.score, fraud: r.fraud }));
  const y = kept.map((r) => r.fraud);
  const s = kept.map((r) => r.score);
  return {
    evaluated: kept.length,
    auc: aucRoc(y, s),
    ap: averagePrecision(y, s),
    cp: cardPrecisionAtK(kept, { k: FIXTURE.k }).mean,
    cpWorst: cardPrecisionAtK(kept, { k: FIXTURE.k, tie: 'worst' }).mean,
    cpBest: cardPrecisionAtK(kept, { k: FIXTURE.k, tie: 'best' }).mean,
  };
}

test('on the fixture our metrics equal what the benchmark score.py printed', () => {
  // Recorded from: python3 ../shared/benchmarks/handbook/score.py --decisions decisions.jsonl --labels labels.json
  //   --transactions transactions.jsonl --from 2018-08-05 --to 2018-08-07 --k 5 --delta-train 2 --delta-delay 1 --json
  // on the files writeFixtureFiles() writes (the next test reruns it when python3 and numpy are here).
  const ours = ourFigures();
  assert.equal(ours.evaluated, 169);
  assert.ok(Math.abs((ours.auc as number) - 0.8508492569002123) < 1e-12, `auc ${ours.auc}`);
  assert.ok(Math.abs((ours.ap as number) - 0.5251135669567872) < 1e-12, `ap ${ours.ap}`);
  assert.ok(Math.abs((ours.cp as number) - 0.26666666666666666) < 1e-12, `cp ${ours.cp}`);
  assert.ok(Math.abs((ours.cpWorst as number) - 0.26666666666666666) < 1e-12, `worst ${ours.cpWorst}`);
  assert.ok(Math.abs((ours.cpBest as number) - 0.3333333333333333) < 1e-12, `best ${ours.cpBest}`);
});

const SCORE_PY = [process.env.FRAUD_HANDBOOK_DIR, '../shared/benchmarks/handbook', '../../shared/benchmarks/handbook']
  .filter((dir): dir is string => typeof dir === 'string')
  .map((dir) => join(dir, 'score.py'))
  .find((path) => existsSync(path));
const numpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

test('on the fixture our metrics equal score.py run now', { skip: SCORE_PY && numpy ? false : 'needs the benchmark score.py (../shared) and python3 with numpy' }, (t) => {
  const files = writeFixtureFiles(scoringFixture());
  t.after(() => rmSync(files.dir, { recursive: true, force: true }));
  const args = ['--decisions', files.decisions, '--labels', files.labels, '--transactions', files.transactions];
  const protocol = ['--from', FIXTURE.from, '--to', FIXTURE.to, '--k', String(FIXTURE.k), '--delta-train', String(FIXTURE.deltaTrain), '--delta-delay', String(FIXTURE.deltaDelay), '--json'];
  // Python's json writes NaN (per-scenario recall without such frauds), which JSON.parse does not take.
  const printed = execFileSync('python3', [SCORE_PY as string, ...args, ...protocol], { encoding: 'utf8' }).replace(/\bNaN\b/g, 'null');
  const theirs = JSON.parse(printed) as Record<string, unknown>;
  const ours = ourFigures();
  assert.equal(ours.evaluated, theirs.evaluated_transactions);
  assert.ok(Math.abs((ours.auc as number) - (theirs.auc_roc as number)) < 1e-12);
  assert.ok(Math.abs((ours.ap as number) - (theirs.average_precision as number)) < 1e-12);
  assert.ok(Math.abs((ours.cp as number) - (theirs['card_precision@5'] as number)) < 1e-12);
  assert.deepEqual([ours.cpWorst, ours.cpBest], theirs['card_precision@5_tie_range']);
});
