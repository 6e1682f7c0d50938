import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_LABELS, type BacktestLabels } from '../../src/backtest/labels.ts';
import { runBacktest } from '../../src/backtest/run.ts';
import type { HistoryRecord } from '../../src/backtest/source.ts';
import type { BacktestReport } from '../../src/backtest/types.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { DEFAULT_LIMITS } from '../../src/detector/state/limits.ts';
import { cardPrecisionAtK } from '../../src/model/card-precision.ts';
import { averagePrecision } from '../../src/model/metrics.ts';
import { parseTransaction } from '../../src/domain/validation.ts';
import { LabelBook } from '../../src/train/labels.ts';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';
import { aLabelledHistory, DAY_MS, START } from '../train/history.ts';

const amountRule = (version: string, amount: number, extra: object = {}) =>
  compileRuleset({
    version,
    ...extra,
    rules: [{ id: 'big', description: 'a big payment', when: `tx.amount >= ${amount}.0`, score: 60, reason: '{{tx.amount}} at least ' + amount }],
  });

async function* recordsOf(transactions: object[]): AsyncGenerator<HistoryRecord> {
  let offset = 0;
  for (const tx of transactions) {
    const parsed = parseTransaction(Buffer.from(JSON.stringify(tx)), { maxRecordBytes: 65_536 });
    const eventTime = parsed.ok ? Date.parse(String(parsed.transaction.timestamp)) : 0;
    yield { parsed, eventTime, topic: 'file', partition: 0, offset: offset++, idempotent: false };
  }
}

function labelsOf(history: ReturnType<typeof aLabelledHistory>): BacktestLabels {
  const timed = history.labels.map((l) => ({ ...l, knownAt: Date.parse(l.knownAt) }));
  return { ordered: timed.map((label) => ({ label, knownAt: label.knownAt })), book: new LabelBook(timed), truthOnly: 0 };
}

test('with labels, precision, recall, AP and CP@100 of both sides are those of their verdicts and scores against the truth', async () => {
  const history = aLabelledHistory(6, 1);
  const labels = labelsOf(history);
  const report = await runBacktest({
    history: recordsOf(history.transactions),
    ordered: false,
    baseline: amountRule('b300', 300),
    candidate: amountRule('b150', 150),
    labels,
    limits: DEFAULT_LIMITS,
    labelIndexDays: 45,
    sampleSize: 3,
  });
  const fraud = new Set(history.labels.filter((l) => l.fraud).map((l) => l.id));
  for (const [side, threshold] of [['baseline', 300], ['candidate', 150]] as const) {
    const flagged = history.transactions.filter((tx) => (tx.amount as number) >= threshold);
    const hits = flagged.filter((tx) => fraud.has(tx.id)).length;
    const figures = report[side];
    assert.equal(figures.alerts, flagged.length, side);
    assert.equal(figures.labelledFrauds, fraud.size);
    assert.equal(figures.truePositives, hits);
    assert.equal(figures.precision, hits / flagged.length);
    assert.equal(figures.recall, hits / fraud.size);
    const scores = history.transactions.map((tx) => ((tx.amount as number) >= threshold ? 60 : 0));
    assert.equal(figures.averagePrecision, averagePrecision(history.transactions.map((tx) => fraud.has(tx.id)), scores));
    const rows = history.transactions.map((tx, i) => ({ day: tx.timestamp.slice(0, 10), card: tx.card as string, score: scores[i] as number, fraud: fraud.has(tx.id) }));
    assert.equal(figures.cardPrecisionAt100, cardPrecisionAtK(rows, { k: 100 }).mean);
  }
  assert.ok((report.candidate.recall ?? 0) > (report.baseline.recall ?? 0), 'the lower threshold catches more');
  assert.equal(report.changed, history.transactions.filter((tx) => (tx.amount as number) >= 150 && (tx.amount as number) < 300).length);
  assert.equal(report.labels, history.labels.length);
  for (const change of report.sample) {
    assert.deepEqual(change.baseline.reasons, []);
    assert.match(change.candidate.reasons[0]?.detail ?? '', /at least 150$/);
  }
});

test('--since and --until choose the decisions compared; the history before them still warms the state', async () => {
  const history = aLabelledHistory(4);
  const since = START + DAY_MS;
  const until = START + 3 * DAY_MS;
  const windowed = (version: string, count: number) => compileRuleset({ version, rules: [{ id: 'busy', description: 'busy card', when: `f.card.count_24h >= ${count}`, score: 60, reason: 'busy' }] });
  const report = await runBacktest({ history: recordsOf(history.transactions), ordered: false, baseline: windowed('a', 99), candidate: windowed('b', 4), labels: NO_LABELS, since, until, limits: DEFAULT_LIMITS, labelIndexDays: 45, sampleSize: 0 });
  const inPeriod = history.transactions.filter((tx) => Date.parse(tx.timestamp) >= since && Date.parse(tx.timestamp) < until);
  assert.equal(report.transactions, inPeriod.length);
  assert.deepEqual(report.byDay.map((d) => d.day), ['2026-03-03', '2026-03-04']);
  // Count per card over the 24 h before each payment, from the whole history.
  const expected = inPeriod.filter((tx) => {
    const at = Date.parse(tx.timestamp);
    return history.transactions.filter((o) => o.card === tx.card && Date.parse(o.timestamp) <= at && Date.parse(o.timestamp) > at - DAY_MS).length >= 4;
  }).length;
  assert.ok(expected > 0);
  assert.equal(report.candidate.alerts, expected);
});

test('rulesets with different feature settings each get their own state: each side decides as it would alone', async () => {
  const history = aLabelledHistory(3);
  const small = (version: string, smallAmount: number) =>
    compileRuleset({ version, features: { smallAmount }, rules: [{ id: 'small', description: 'small payments', when: 'f.card.small_count_10m >= 1', score: 60, reason: 'small' }] });
  const a = small('a', 30);
  const b = small('b', 60);
  const run = (baseline: typeof a, candidate: typeof a) => runBacktest({ history: recordsOf(history.transactions), ordered: false, baseline, candidate, labels: NO_LABELS, limits: DEFAULT_LIMITS, labelIndexDays: 45, sampleSize: 0 });
  const both = await run(a, b);
  assert.equal(both.featurePasses, 2);
  const alone = { a: await run(a, a), b: await run(b, b) };
  assert.equal(alone.a.featurePasses, 1);
  assert.equal(alone.a.changed, 0);
  assert.equal(alone.a.sharedRules, 1);
  assert.equal(both.baseline.alerts, alone.a.baseline.alerts);
  assert.equal(both.candidate.alerts, alone.b.candidate.alerts);
  assert.ok(both.candidate.alerts > both.baseline.alerts);
});

test('--baseline current is the ruleset published on the rules topic (the shipped one when none is)', async (t) => {
  const dir = tempDir(t);
  const history = aLabelledHistory(2);
  const file = join(dir, 'history.jsonl');
  writeFileSync(file, history.transactions.map((tx) => JSON.stringify(tx)).join('\n') + '\n');
  const published = join(dir, 'published.yaml');
  writeFileSync(published, 'version: published-1\nrules:\n  - { id: big, description: big, when: "tx.amount >= 100.0", score: 60, reason: big }\n');
  const candidate = join(dir, 'candidate.yaml');
  writeFileSync(candidate, 'version: candidate-1\nrules:\n  - { id: big, description: big, when: "tx.amount >= 50.0", score: 60, reason: big }\n');
  const backtest = async (): Promise<BacktestReport> => {
    const run = await runFraud(['backtest', '--data-dir', dir, '--from', file, '--candidate', candidate, '--json']);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as BacktestReport;
  };
  assert.equal((await backtest()).baseline.version, 'default-2');
  const publish = await runFraud(['rules', 'publish', published, '--data-dir', dir, '--note', 'a test', '--author', 'test']);
  assert.equal(publish.code, 0, publish.stderr);
  const report = await backtest();
  assert.equal(report.baseline.version, 'published-1');
  assert.equal(report.baseline.alerts, history.transactions.filter((tx) => (tx.amount as number) >= 100).length);
  assert.equal(report.newlyFlagged, history.transactions.filter((tx) => (tx.amount as number) >= 50 && (tx.amount as number) < 100).length);
});
