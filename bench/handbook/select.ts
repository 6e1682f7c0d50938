/**
 * Model selection on the Handbook data without touching its test weeks: the detector's
 * own features (one replay of the history through `replayHistory`, as `fraud train`
 * does), then each candidate set of hyperparameters trained and scored on validation
 * folds that all end before the first test day (2018-08-08). A fold trains on one week
 * and scores the week 14 days later, the 7 days between having no labels yet, as the
 * Handbook's ModelSelection chapter does before its test weeks.
 *
 *   node --import tsx bench/handbook/select.ts --data DIR --labels LABELS.jsonl [--folds N] [--grid NAME,...] [--cache FILE]
 *
 * Prints per candidate the mean ± sd over the folds of AUC ROC, AP and CP@100, the
 * trees' size and their scoring cost per row, so the defaults are chosen on these weeks.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { addDays } from '../../src/model/card-precision.ts';
import { CompiledEnsemble } from '../../src/model/scorer.ts';
import { train } from '../../src/model/train.ts';
import type { TrainOptions } from '../../src/model/types.ts';
import { evaluateHeldOut } from '../../src/train/evaluate.ts';
import { readLabelsFile } from '../../src/train/labels.ts';
import { replayHistory } from '../../src/train/replay.ts';
import { CollectedRows, utcDay } from '../../src/train/rows.ts';
import { fileRecords } from '../../src/train/sources.ts';

const DAY_MS = 86_400_000;
const DELAY_DAYS = 7;
/** Validation weeks, newest first: each is scored by a model trained on the week 14 days before it. */
const VALIDATION_WEEKS = ['2018-08-01', '2018-07-25', '2018-07-18', '2018-07-11'];

const CANDIDATES: Record<string, Partial<TrainOptions>> = {
  'default-300x0.05-d6': { trees: 300, learningRate: 0.05, maxDepth: 6 },
  '150x0.1-d6': { trees: 150, learningRate: 0.1, maxDepth: 6 },
  '300x0.05-d4': { trees: 300, learningRate: 0.05, maxDepth: 4 },
  '200x0.05-d5': { trees: 200, learningRate: 0.05, maxDepth: 5 },
  '300x0.05-d6-mcw5': { trees: 300, learningRate: 0.05, maxDepth: 6, minChildWeight: 5 },
  '300x0.05-d6-l10': { trees: 300, learningRate: 0.05, maxDepth: 6, lambda: 10 },
  '300x0.05-d6-col0.5': { trees: 300, learningRate: 0.05, maxDepth: 6, colsample: 0.5 },
  '600x0.025-d6': { trees: 600, learningRate: 0.025, maxDepth: 6 },
  '300x0.05-d4-seed2': { trees: 300, learningRate: 0.05, maxDepth: 4, seed: 2 },
  '400x0.05-d4': { trees: 400, learningRate: 0.05, maxDepth: 4 },
  '300x0.05-d3': { trees: 300, learningRate: 0.05, maxDepth: 3 },
  '300x0.05-d4-mcw5': { trees: 300, learningRate: 0.05, maxDepth: 4, minChildWeight: 5 },
  '300x0.05-d4-col0.5': { trees: 300, learningRate: 0.05, maxDepth: 4, colsample: 0.5 },
};

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.bench/handbook/data' },
    labels: { type: 'string', default: '.bench/handbook/run/labels.jsonl' },
    folds: { type: 'string', default: '4' },
    grid: { type: 'string', default: Object.keys(CANDIDATES).join(',') },
    cache: { type: 'string' },
  },
});

const weeks = VALIDATION_WEEKS.slice(0, Number(values.folds));
const firstTrain = addDays(weeks[weeks.length - 1] as string, -14);
const lastDay = addDays(weeks[0] as string, 6);
const since = Date.parse(`${firstTrain}T00:00:00Z`);
const until = Date.parse(`${lastDay}T00:00:00Z`) + DAY_MS;
if (until > Date.parse('2018-08-08T00:00:00Z')) throw new Error('a validation fold reaches the test weeks');

const labels = await readLabelsFile(values.labels);
const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
const { all, frauds } = await validationRows();

/**
 * The rows of the validation span, replayed through the detector's features, or read
 * from --cache (written there by the first run: the replay takes minutes, a candidate
 * seconds to a minute per fold).
 */
async function validationRows(): Promise<{ all: CollectedRows; frauds: Array<{ day: string; card: string }> }> {
  const cache = values.cache;
  if (cache && existsSync(`${cache}.json`)) {
    const meta = JSON.parse(readFileSync(`${cache}.json`, 'utf8')) as { width: number; ids: string[]; cards: string[]; eventTimes: number[]; frauds: Array<{ day: string; card: string }> };
    const data = new Float64Array(readFileSync(`${cache}.f64`).buffer.slice(0));
    const rows = new CollectedRows(meta.width, meta.ids.length);
    meta.ids.forEach((id, i) => rows.next(id, meta.cards[i] as string, meta.eventTimes[i] as number).data.set(data.subarray(i * meta.width, (i + 1) * meta.width), i * meta.width));
    console.error(`${rows.count} rows of ${rows.width} features from ${cache}`);
    return { all: rows, frauds: meta.frauds };
  }
  const started = performance.now();
  const replay = await replayHistory({
    records: fileRecords(join(values.data, 'transactions.jsonl')),
    ruleset,
    labels,
    periods: [{ name: 'all', since, until }],
    maxRecordBytes: 1 << 20,
  });
  const rows = replay.rows.get('all');
  if (!rows) throw new Error('no transaction in the validation span');
  console.error(`replayed ${replay.records} records in ${((performance.now() - started) / 1000).toFixed(1)} s: ${rows.count} rows of ${rows.width} features, ${firstTrain}..${lastDay}`);
  if (cache) {
    writeFileSync(`${cache}.f64`, rows.matrix().data);
    writeFileSync(`${cache}.json`, JSON.stringify({ width: rows.width, names: replay.names, ids: rows.ids, cards: rows.cards, eventTimes: rows.eventTimes, frauds: replay.frauds }));
  }
  return { all: rows, frauds: replay.frauds };
}

/** The rows of the 7 days from `from`, as their own collection. */
function week(from: string): CollectedRows {
  const to = addDays(from, 6);
  const out = new CollectedRows(all.width);
  const { data } = all.matrix();
  for (let i = 0; i < all.count; i++) {
    const day = utcDay(all.eventTimes[i] as number);
    if (day < from || day > to) continue;
    const slot = out.next(all.ids[i] as string, all.cards[i] as string, all.eventTimes[i] as number);
    slot.data.set(data.subarray(i * all.width, (i + 1) * all.width), slot.offset);
  }
  return out;
}

const folds = weeks.map((from) => {
  const trainRows = week(addDays(from, -14));
  const targets = Uint8Array.from(trainRows.ids, (id, i) => (labels.fraudAsOf(id, (trainRows.eventTimes[i] as number) + DELAY_DAYS * DAY_MS) ? 1 : 0));
  return { from, trainRows, targets, testRows: week(from) };
});

for (const name of values.grid.split(',')) {
  const options = CANDIDATES[name];
  if (!options) throw new Error(`no candidate ${name}: ${Object.keys(CANDIDATES).join(', ')}`);
  const figures = folds.map((fold) => {
    const trained = train(fold.trainRows.matrix(), fold.targets, options);
    const model = new CompiledEnsemble(trained.ensemble);
    const { data, columns } = fold.testRows.matrix();
    const scores = new Float64Array(fold.testRows.count);
    const scoring = performance.now();
    model.probabilities(data, columns, scores);
    const micros = ((performance.now() - scoring) * 1000) / scores.length;
    const testSince = Date.parse(`${fold.from}T00:00:00Z`);
    const metrics = evaluateHeldOut({ rows: fold.testRows, scores, labels, frauds, since: testSince, until: testSince + 7 * DAY_MS, trainDays: 7, delayDays: DELAY_DAYS, thresholds: ruleset.thresholds });
    const nodes = trained.ensemble.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
    return { auc: metrics.aucRoc ?? Number.NaN, ap: metrics.averagePrecision ?? Number.NaN, cp: metrics.cardPrecisionAt100 ?? Number.NaN, seconds: trained.millis / 1000, micros, nodes };
  });
  const line = (key: 'auc' | 'ap' | 'cp'): string => `${key} ${mean(figures.map((f) => f[key])).toFixed(3)} ± ${sd(figures.map((f) => f[key])).toFixed(3)} [${figures.map((f) => f[key].toFixed(3)).join(' ')}]`;
  console.log(
    `${name.padEnd(22)} ${line('auc')}  ${line('ap')}  ${line('cp')}  nodes ${mean(figures.map((f) => f.nodes)).toFixed(0)}  ${mean(figures.map((f) => f.micros)).toFixed(1)} µs/row  train ${mean(figures.map((f) => f.seconds)).toFixed(1)} s`,
  );
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
}
