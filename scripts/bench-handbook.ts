/**
 * The Fraud Detection Handbook benchmark, end to end, with one command:
 *
 *   npm run bench:handbook -- [--data DIR] [--work DIR] [--model FILE] [--rate-sample N] [--rate-runs R]
 *
 * 1. the dataset: DIR's transactions.jsonl and labels.json, generated there with the
 *    reference simulator when absent (python3 ../shared/benchmarks/handbook/simulate.py);
 * 2. its labels as contract labels, each fraud known 7 days after its transaction
 *    (scripts/handbook-labels.ts);
 * 3. `fraud train` on 2018-07-25..07-31 with the 7-day delay (skipped with --model);
 * 4. a fresh embedded log (6 partitions): every label written first (`fraud labels`; the
 *    detector uses none before its knownAt), then every transaction (`fraud produce --from`);
 * 5. `fraud detect --model` until every transaction is decided (rate read off its /metrics);
 * 6. the test week's decisions (08-08..08-14) scored by the benchmark's score.py, printed
 *    beside the Handbook's published table.
 * With --rate-sample N (default 100000; 0 = off), the first N transactions are also
 * streamed through a fresh detector without and with the model, R times each, taking
 * turns (default 3): the scoring cost, as the median of the R ratios (--rate-only: that
 * alone). --score-only LOG_DIR scores the decisions a stream's
 * embedded log already holds (a run stopped once past the test week).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openEmbeddedLog } from '../src/log/embedded/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The benchmark's scripts: FRAUD_HANDBOOK_DIR, else ../shared/benchmarks/handbook beside the checkout (or a worktree's parent). */
const BENCHMARK = [process.env.FRAUD_HANDBOOK_DIR, '../shared/benchmarks/handbook', '../../shared/benchmarks/handbook']
  .filter((dir): dir is string => dir !== undefined)
  .map((dir) => resolve(ROOT, dir))
  .find((dir) => existsSync(join(dir, 'score.py'))) ?? resolve(ROOT, '../shared/benchmarks/handbook');
const FRAUD = join(ROOT, 'bin', 'fraud.js');
const TEST = { from: '2018-08-08', to: '2018-08-14' };
const TRAIN = { since: '2018-07-25', until: '2018-07-31', delayDays: 7 };
/** The Handbook's published results on this test week (chapter 3.4 and 5, tuned models). */
const PUBLISHED = [
  { name: 'Handbook logistic regression', auc: null, ap: 0.606, cp: 0.291 },
  { name: 'Handbook random forest', auc: null, ap: 0.658, cp: 0.287 },
  { name: 'Handbook XGBoost (tuned)', auc: null, ap: 0.687, cp: 0.303 },
];

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(ROOT, '.bench', 'handbook', 'data') },
    work: { type: 'string', default: join(ROOT, '.bench', 'handbook', 'run') },
    model: { type: 'string' },
    'rate-sample': { type: 'string', default: '100000' },
    'rate-runs': { type: 'string', default: '3' },
    partitions: { type: 'string', default: '6' },
    'rate-only': { type: 'boolean', default: false },
    'score-only': { type: 'string' },
  },
});
const data = resolve(values.data);
const work = resolve(values.work);
const rateSample = Number(values['rate-sample']);
const rateRuns = Math.max(1, Number(values['rate-runs']));

function log(line: string): void {
  process.stderr.write(`bench:handbook: ${line}\n`);
}

/** Runs a command to completion, its output passed through (or collected); throws on a non-zero exit. */
async function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; collect?: boolean } = {}): Promise<string> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', options.collect ? 'pipe' : 'inherit', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
  return out;
}

const seconds = (since: number): number => Math.round((performance.now() - since) / 100) / 10;

async function dataset(): Promise<void> {
  if (existsSync(join(data, 'transactions.jsonl')) && existsSync(join(data, 'labels.json'))) {
    log(`dataset: ${data}`);
    return;
  }
  log(`generating the dataset in ${data} with the reference simulator`);
  mkdirSync(data, { recursive: true });
  await run('python3', [join(BENCHMARK, 'simulate.py'), '--out-dir', data]);
}

async function labels(): Promise<string> {
  const out = join(work, 'labels.jsonl');
  await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'handbook-labels.ts'), '--transactions', join(data, 'transactions.jsonl'), '--labels', join(data, 'labels.json'), '--out', out, '--delay-days', String(TRAIN.delayDays)]);
  return out;
}

async function trained(labelsFile: string): Promise<{ file: string; seconds: number | null }> {
  if (values.model) return { file: resolve(values.model), seconds: null };
  const file = join(work, 'model.json');
  const started = performance.now();
  log(`training on ${TRAIN.since}..${TRAIN.until}, delay ${TRAIN.delayDays} days`);
  await run(process.execPath, [FRAUD, 'train', '--from', join(data, 'transactions.jsonl'), '--labels', labelsFile, '--since', TRAIN.since, '--until', TRAIN.until, '--delay-days', String(TRAIN.delayDays), '--test-since', TEST.from, '--test-until', TEST.to, '--out', file]);
  return { file, seconds: seconds(started) };
}

interface StreamResult {
  dataDir: string;
  decided: number;
  deadLetters: number;
  seconds: number;
  /** Decisions per second once the detector was deciding (its start-up left out). */
  rate: number;
}

const POLL_MS = 100;

/** A fresh embedded log with the labels and `count` transactions (all if undefined), decided by `fraud detect`. */
async function stream(name: string, labelsFile: string | undefined, modelFile: string | undefined, count?: number): Promise<StreamResult> {
  const dataDir = join(work, name);
  rmSync(dataDir, { recursive: true, force: true });
  const env = { FRAUD_DATA_DIR: dataDir, FRAUD_PARTITIONS: values.partitions, LOG_LEVEL: 'warn' };
  if (labelsFile) await run(process.execPath, [FRAUD, 'labels', '--from', labelsFile], { env });
  const produceArgs = ['produce', '--from', join(data, 'transactions.jsonl'), '--rate', '0', ...(count ? ['--count', String(count)] : [])];
  const producing = performance.now();
  await run(process.execPath, [FRAUD, ...produceArgs], { env });
  log(`${name}: ${count ?? 'all'} transactions written in ${seconds(producing)} s`);
  const expected = await inputCount(dataDir);
  const started = performance.now();
  const args = ['detect', '--metrics-port', '0', ...(modelFile ? ['--model', modelFile] : [])];
  const child = spawn(process.execPath, [FRAUD, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'close');
  const url = await new Promise<string>((resolveUrl, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.startsWith('http'));
      if (line) resolveUrl(line.trim());
    });
    void exited.then(() => reject(new Error(`fraud ${args.join(' ')} exited before serving its metrics`)));
  });
  let first: { at: number; done: number } | undefined;
  let done = 0;
  let dead = 0;
  let lastReport = performance.now();
  while (done + dead < expected) {
    // Polled often: the rate samples last a few seconds, and a second's uncertainty at each
    // end of one made the ratio of two of them swing between 63% and 82%.
    await new Promise((r) => setTimeout(r, POLL_MS));
    let metrics: string;
    try {
      metrics = await (await fetch(`${url}/metrics`)).text();
    } catch (error) {
      // A loaded machine may drop a scrape; a detector that exited is reported as such.
      if (child.exitCode !== null) throw new Error(`fraud ${args.join(' ')} exited with ${child.exitCode} after ${done + dead} of ${expected}`, { cause: error });
      continue;
    }
    done = sumOf(metrics, 'fraud_decisions_total');
    dead = sumOf(metrics, 'fraud_dead_letters_total');
    if (!first && done > 0) first = { at: performance.now(), done };
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      log(`${name}: ${done + dead} of ${expected} decided (${seconds(started)} s)`);
    }
  }
  const end = performance.now();
  child.kill('SIGTERM');
  await exited;
  const rate = first && end > first.at ? ((done - first.done) * 1000) / (end - first.at) : Number.NaN;
  return { dataDir, decided: done, deadLetters: dead, seconds: seconds(started), rate: Math.round(rate) };
}

interface ModelCost {
  without: StreamResult[];
  with: StreamResult[];
  /** Per pair of runs, the rate with the model over the rate without. */
  ratios: number[];
}

/** The first `rateSample` transactions without and with the model, `rateRuns` times, taking turns (drifts of the machine hit both). */
async function modelCost(labelsFile: string, modelFile: string): Promise<ModelCost> {
  const cost: ModelCost = { without: [], with: [], ratios: [] };
  for (let i = 0; i < rateRuns; i++) {
    const without = await stream('rate-without', labelsFile, undefined, rateSample);
    const withModel = await stream('rate-with', labelsFile, modelFile, rateSample);
    cost.without.push(without);
    cost.with.push(withModel);
    cost.ratios.push(withModel.rate / without.rate);
    log(`rate run ${i + 1} of ${rateRuns}: ${without.rate}/s without the model, ${withModel.rate}/s with it (${percent(withModel.rate / without.rate)})`);
  }
  return cost;
}

function rateLine(cost: ModelCost): string {
  const runs = cost.ratios.length;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;
  const range = runs > 1 ? `, range ${percent(Math.min(...cost.ratios))}-${percent(Math.max(...cost.ratios))}` : '';
  return (
    `rate on the first ${rateSample} tx (median of ${runs} run${runs > 1 ? 's' : ''} each): ${Math.round(median(cost.without.map((r) => r.rate)))}/s without the model, ` +
    `${Math.round(median(cost.with.map((r) => r.rate)))}/s with it (${percent(median(cost.ratios))} of the rate without${range})`
  );
}

function percent(ratio: number): string {
  return `${Math.round(100 * ratio)}%`;
}

function sumOf(metrics: string, name: string): number {
  let sum = 0;
  for (const line of metrics.split('\n')) if (line.startsWith(name)) sum += Number(line.split(' ').at(-1));
  return sum;
}

async function inputCount(dataDir: string): Promise<number> {
  const embedded = openEmbeddedLog({ dataDir });
  try {
    return (await embedded.partitionBounds('queuing.transactions')).reduce((sum, b) => sum + b.end - b.start, 0);
  } finally {
    await embedded.close();
  }
}

/** The decisions of the test days (event time), as score.py reads them: the transaction plus `decision`. */
async function testDecisions(dataDir: string): Promise<string> {
  const file = join(work, 'decisions.jsonl');
  const out = createWriteStream(file);
  const embedded = openEmbeddedLog({ dataDir });
  const since = Date.parse(`${TEST.from}T00:00:00Z`) - 86_400_000; // a day early: score.py picks the test days itself
  const until = Date.parse(`${TEST.to}T00:00:00Z`) + 2 * 86_400_000;
  let written = 0;
  try {
    for (const topic of ['queuing.legit', 'queuing.fraud']) {
      for (const bounds of await embedded.partitionBounds(topic)) {
        for (let from = bounds.start; from < bounds.end; ) {
          const batch = await embedded.read({ topic, partition: bounds.partition, from, maxRecords: 5000 });
          if (batch.length === 0) break;
          for (const record of batch) {
            const text = String(record.value);
            const at = Date.parse(text.slice(text.indexOf('"timestamp":"') + 13, text.indexOf('"timestamp":"') + 33));
            if (at >= since && at < until) {
              if (!out.write(`${text}\n`)) await once(out, 'drain');
              written++;
            }
          }
          from = (batch.at(-1)?.offset ?? from) + 1;
        }
      }
    }
  } finally {
    await embedded.close();
    out.end();
    await once(out, 'finish');
  }
  log(`${written} decisions of ${TEST.from}..${TEST.to} (and a day around) in ${file}`);
  return file;
}

interface Scores {
  auc_roc: number;
  average_precision: number;
  'card_precision@100': number;
  evaluated_transactions: number;
  evaluated_frauds: number;
}

async function scored(decisions: string): Promise<Scores> {
  const text = await run('python3', [join(BENCHMARK, 'score.py'), '--decisions', decisions, '--labels', join(data, 'labels.json'), '--transactions', join(data, 'transactions.jsonl'), '--from', TEST.from, '--to', TEST.to, '--json'], { collect: true });
  return JSON.parse(text.slice(text.indexOf('{'))) as Scores;
}

async function lineCount(file: string): Promise<number> {
  let n = 0;
  for await (const _ of createInterface({ input: createReadStream(file) })) n++;
  return n;
}

const fmt = (x: number | null): string => (x === null || Number.isNaN(x) ? '    -' : x.toFixed(3));

mkdirSync(work, { recursive: true });
if (values['score-only']) {
  const partial = await scored(await testDecisions(resolve(values['score-only'])));
  process.stdout.write(`${table(partial, [])}\n${JSON.stringify(partial)}\n`);
  process.exit(0);
}
await dataset();
const labelsFile = await labels();
log(`${await lineCount(labelsFile)} labels in ${labelsFile}`);
const model = await trained(labelsFile);
if (values['rate-only']) {
  process.stdout.write(`${rateLine(await modelCost(labelsFile, model.file))}\n`);
  process.exit(0);
}
const full = await stream('stream', labelsFile, model.file);
log(`stream: ${full.decided} decided, ${full.deadLetters} dead letters in ${full.seconds} s (${full.rate}/s while deciding)`);
const scores = await scored(await testDecisions(full.dataDir));
const rates = rateSample > 0 ? await modelCost(labelsFile, model.file) : undefined;
const trainedModel = JSON.parse(readFileSync(model.file, 'utf8')) as { id: string; version: string; training: { seconds: number }; metrics: { heldOut?: { averagePrecision: number | null; cardPrecisionAt100: number | null } } };
function table(result: Scores, notes: string[]): string {
  return [
    '',
    `Fraud Detection Handbook benchmark, test week ${TEST.from}..${TEST.to} (${result.evaluated_transactions} tx, ${result.evaluated_frauds} frauds after the known-compromised exclusion)`,
    '',
    '                                      AUC ROC    AP   CP@100',
    ...PUBLISHED.map((p) => `  ${p.name.padEnd(34)}  ${fmt(p.auc)}  ${fmt(p.ap)}  ${fmt(p.cp)}`),
    `  ${'fraud detect --model (this run)'.padEnd(34)}  ${fmt(result.auc_roc)}  ${fmt(result.average_precision)}  ${fmt(result['card_precision@100'])}`,
    '',
    ...notes,
    '',
  ].join('\n');
}

const lines = [
  `  model ${trainedModel.id}@${trainedModel.version}: trained in ${trainedModel.training.seconds} s${model.seconds === null ? ' (given, not trained by this run)' : ` (fraud train took ${model.seconds} s with its replay)`}`,
  `  stream: ${full.decided} decisions, ${full.deadLetters} dead letters, ${full.seconds} s, ${full.rate} decisions/s while deciding (${values.partitions} partitions, embedded log)`,
  ...(rates ? [`  ${rateLine(rates)}`] : []),
];
process.stdout.write(table(scores, lines));
process.stdout.write(`${JSON.stringify({ scores, stream: full, rates, model: { file: model.file, trainSeconds: model.seconds } })}\n`);
