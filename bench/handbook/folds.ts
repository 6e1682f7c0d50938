/**
 * The Handbook benchmark's four weekly test folds (ModelSelection chapter: test weeks from
 * 2018-08-08, each trained on the week 14 days before it, labels of the 7 days between
 * unknown), scored with this repository's trainer and metrics on features computed
 * outside (features.py writes them: the reference definitions of the label-fed and
 * 30-day features the detector is to compute). Writes the first fold's decisions for the
 * benchmark's score.py, the official figures.
 *
 *   python3 bench/handbook/features.py --data DIR --out FEATURES_DIR
 *   node --import tsx bench/handbook/folds.ts FEATURES_DIR [--trees N] [--max-depth D] [--learning-rate X]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, cardPrecisionAtK, knownCompromisedCards, type ScoredTransaction } from '../../src/model/card-precision.ts';
import { aucRoc, averagePrecision } from '../../src/model/metrics.ts';
import { CompiledEnsemble } from '../../src/model/scorer.ts';
import { train } from '../../src/model/train.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { trees: { type: 'string', default: '300' }, 'max-depth': { type: 'string', default: '6' }, 'learning-rate': { type: 'string', default: '0.05' }, drop: { type: 'string', default: '' }, folds: { type: 'string', default: '4' } },
});
const dir = positionals[0] ?? '.';
const meta = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')) as { columns: string[]; ids: string[]; cards: string[]; t: number[]; fraud: number[] };
const all = new Float64Array(readFileSync(join(dir, 'export.f64')).buffer.slice(0));
const width = meta.columns.length;
const dropped = new Set(values.drop.split(',').filter(Boolean));
const used = meta.columns.map((name, i) => [name, i] as const).filter(([name]) => !dropped.has(name));
const day = meta.t.map((t) => new Date(t * 1000).toISOString().slice(0, 10));
const frauds = meta.fraud.flatMap((f, i) => (f ? [{ day: day[i] as string, card: meta.cards[i] as string }] : []));
const hyper = { trees: Number(values.trees), maxDepth: Number(values['max-depth']), learningRate: Number(values['learning-rate']) };

function rowsOf(from: string, days: number): number[] {
  const to = addDays(from, days - 1);
  return day.flatMap((d, i) => (d >= from && d <= to ? [i] : []));
}

function matrixOf(rows: number[]): Float64Array {
  const out = new Float64Array(rows.length * used.length);
  rows.forEach((r, k) => used.forEach(([, c], j) => (out[k * used.length + j] = all[r * width + c] as number)));
  return out;
}

const figures: Array<{ auc: number; ap: number; cp: number; seconds: number }> = [];
for (const testFrom of ['2018-08-08', '2018-08-15', '2018-08-22', '2018-08-29'].slice(0, Number(values.folds))) {
  const trainRows = rowsOf(addDays(testFrom, -14), 7);
  const trained = train({ data: matrixOf(trainRows), rows: trainRows.length, columns: used.length }, Uint8Array.from(trainRows, (r) => meta.fraud[r] as number), hyper);
  const model = new CompiledEnsemble(trained.ensemble);
  const testRows = rowsOf(testFrom, 7);
  const testDays = Array.from({ length: 7 }, (_, i) => addDays(testFrom, i));
  const known = knownCompromisedCards({ frauds, testDays, trainDays: 7, delayDays: 7 });
  const x = matrixOf(testRows);
  const scored = testRows.map((r, k) => ({ r, score: model.probability(x, k * used.length) }));
  const kept: ScoredTransaction[] = scored
    .filter(({ r }) => !known.get(day[r] as string)?.has(meta.cards[r] as string))
    .map(({ r, score }) => ({ day: day[r] as string, card: meta.cards[r] as string, score, fraud: meta.fraud[r] === 1 }));
  const y = kept.map((k) => k.fraud);
  const s = kept.map((k) => k.score);
  const f = { auc: aucRoc(y, s), ap: averagePrecision(y, s), cp: cardPrecisionAtK(kept, { k: 100 }).mean, seconds: trained.millis / 1000 };
  figures.push(f);
  console.log(`test ${testFrom}: ${kept.length} tx, ${y.filter(Boolean).length} frauds, AUC ${f.auc.toFixed(3)} AP ${f.ap.toFixed(3)} CP@100 ${f.cp.toFixed(3)} (trained on ${trainRows.length} rows in ${f.seconds.toFixed(1)} s)`);
  if (testFrom === '2018-08-08') {
    // Score 0-100 with four decimals: the benchmark reads decision.score; ties only where the model ties.
    const lines = scored.map(({ r, score }) => JSON.stringify({ id: meta.ids[r], timestamp: new Date((meta.t[r] as number) * 1000).toISOString(), source: meta.cards[r], card: meta.cards[r], decision: { verdict: score >= 0.5 ? 'fraud' : 'legit', score: Math.round(score * 1e6) / 1e4 } }));
    writeFileSync(join(dir, 'decisions-2018-08-08.jsonl'), `${lines.join('\n')}\n`);
  }
}
const stat = (k: 'auc' | 'ap' | 'cp'): string => {
  if (figures.length < 2) return (figures[0]?.[k] ?? Number.NaN).toFixed(3);
  const v = figures.map((f) => f[k]);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  // Sample standard deviation, as pandas' std() in the Handbook's tables.
  return `${mean.toFixed(3)} ± ${Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)).toFixed(3)}`;
};
console.log(`4 folds: AUC ${stat('auc')}  AP ${stat('ap')}  CP@100 ${stat('cp')}  (${used.length} features, ${JSON.stringify(hyper)})`);
