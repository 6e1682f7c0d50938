import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { evalCommand } from '../../src/cli/eval.ts';
import { DEFAULT_RULES_FILE } from '../../src/detector/rules/load.ts';
import { formatReport } from '../../src/eval/format.ts';
import { SEED_RULES_FILE, type EvalOptions, type EvalProgress } from '../../src/eval/options.ts';
import type { EvalReport } from '../../src/eval/report.ts';
import { runEval } from '../../src/eval/run.ts';
import { isFraudError } from '../../src/errors.ts';
import { SCENARIO_KINDS } from '../../src/generator/scenarios/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';

const denseMix = Object.fromEntries(SCENARIO_KINDS.map((kind) => [kind, 25]));
/** A small dense stream: 200 customers make 3,000 transactions three weeks, long enough for victims with a history. */
const smallEval = (overrides: Partial<EvalOptions>): EvalOptions => ({
  seed: 5,
  transactions: 3000,
  customers: 200,
  startTime: Date.parse('2026-05-01T00:00:00Z'),
  partitions: 1,
  rulesFile: DEFAULT_RULES_FILE,
  baselineFile: SEED_RULES_FILE,
  mix: denseMix,
  warmupTransactions: 300,
  logger: silentLogger(),
  ...overrides,
});
const evalDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('fraud-eval-'));

test('an evaluation runs both rulesets over the same labelled stream and scores each', async (t) => {
  // A temporary folder of this test's own: other test files run evaluations at the same time.
  const previousTmp = process.env.TMPDIR;
  const privateTmp = mkdtempSync(`${tmpdir()}/fraud-eval-test-`);
  process.env.TMPDIR = privateTmp;
  t.after(() => {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    rmSync(privateTmp, { recursive: true, force: true });
  });
  const dirsBefore = evalDirs();
  assert.deepEqual(dirsBefore, [], 'a fresh temporary folder');
  const phases = new Set<string>();
  const report = await runEval(smallEval({ onProgress: (progress: EvalProgress) => phases.add(progress.phase) }));
  assert.ok(report.transactions >= 3000);
  assert.equal(report.customers, 200);
  assert.ok(report.days > 15 && report.days < 30, `${report.days} simulated days`);
  assert.deepEqual([...phases], ['produce', 'ours', 'baseline']);
  for (const side of [report.ours, report.baseline]) {
    assert.equal(side.scores.transactions.transactions, report.transactions, 'every transaction decided');
    assert.equal(side.scores.undecided, 0);
  }
  assert.ok(report.labelled > report.fraudTransactions && report.fraudTransactions > 0);
  assertSeedRuleFigures(report);
  assert.deepEqual(evalDirs().sort(), dirsBefore.sort(), 'the temporary log is removed');
  const table = formatReport(report);
  for (const word of ['precision', 'structuring', 'one-off-large', 'background', 'seed rule']) assert.match(table, new RegExp(word));
});

/**
 * What the seed's rule (amount >= 900) must score whatever the stream (facts of the
 * scenarios' amounts), and where ours must stand beside it: no figure is pinned, since the
 * stream and the detector both change.
 */
function assertSeedRuleFigures(report: EvalReport): void {
  const { scores } = report.baseline;
  const structuring = scores.scenarios.find((s) => s.scenario === 'structuring');
  assert.ok(structuring && structuring.incidents > 0);
  assert.equal(structuring.recall, 1, 'structuring transfers are all >= 9,000');
  assert.deepEqual(structuring.firstAlert, { median: 1, max: 1 });
  const oneOff = scores.lookAlikes.kinds.find((s) => s.scenario === 'one-off-large');
  assert.equal(oneOff?.rate, 1, 'one-off large purchases are all >= 900');
  assert.ok((scores.transactions.recall ?? 0) > 0);
  const ours = report.ours.scores;
  assert.ok((ours.transactions.f1 ?? 0) > (scores.transactions.f1 ?? 0), 'the shipped ruleset beats the seed rule');
  assert.ok((ours.lookAlikes.overall.rate ?? 1) < (scores.lookAlikes.overall.rate ?? 0), 'and flags fewer benign look-alikes');
}

test('with --train, a model trained on another seed is scored alone and with the ruleset, on the same stream', { timeout: 600_000 }, async () => {
  const phases = new Set<string>();
  const report = await runEval(smallEval({ partitions: 2, labelDelayDays: 2, model: { trainSeed: 6 }, onProgress: (progress: EvalProgress) => phases.add(progress.phase) }));
  assert.deepEqual([...phases], ['produce', 'train', 'ours', 'baseline', 'model', 'combined']);
  assert.equal(report.labelDelayDays, 2);
  const trained = report.model?.trainedOn;
  assert.ok(trained && trained.seed === 6 && trained.rows > 1000 && trained.frauds > 0, JSON.stringify(report.model));
  assert.ok(report.modelOnly && report.combined);
  for (const pass of [report.ours, report.baseline, report.modelOnly, report.combined]) {
    assert.equal(pass.scores.undecided, 0);
    assert.ok(pass.scores.ranking && pass.scores.ranking.days > 15, 'every pass is ranked, day by day');
  }
  assert.deepEqual(report.modelOnly.model, { id: report.model?.id, version: report.model?.version });
  assert.equal(report.ours.model, undefined);
  // A model of another stream still ranks this one's fraud far above chance, alone and under the rules.
  assert.ok((report.modelOnly.scores.ranking?.aucRoc ?? 0) > 0.7, `model alone AUC ${report.modelOnly.scores.ranking?.aucRoc}`);
  assert.ok((report.combined.scores.ranking?.aucRoc ?? 0) > 0.7);
  const table = formatReport(report);
  for (const words of ['model alone', 'ours \\+ model', 'average precision', 'CP@100', 'seed 6']) assert.match(table, new RegExp(words));
});

test('fraud eval checks a given model before it generates anything, and refuses --model with --train', async () => {
  const dir = mkdtempSync(`${tmpdir()}/fraud-eval-model-`);
  try {
    writeFileSync(`${dir}/bad.json`, JSON.stringify({ format: 'fraud-detector-model', formatVersion: 1 }));
    await assert.rejects(
      evalCommand({ write: () => true }).parseAsync(['--transactions', '1000', '--model', `${dir}/bad.json`, '--log-level', 'silent'], { from: 'user' }),
      (error: unknown) => isFraudError(error) && error.code.startsWith('FRAUD_MODEL'),
    );
    await assert.rejects(
      evalCommand().parseAsync(['--model', `${dir}/bad.json`, '--train', '--train-seed', 'x'], { from: 'user' }),
      (error: unknown) => isFraudError(error, 'FRAUD_USAGE') && error.problems.length === 2 && /--train/.test(error.problems.join()),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fraud eval --json prints the report as JSON', async () => {
  let output = '';
  const command = evalCommand({ write: (text: string) => (output += text) });
  await command.parseAsync(['--seed', '2', '--transactions', '1500', '--mix', 'payroll=1', '--json', '--log-level', 'silent'], { from: 'user' });
  const report = JSON.parse(output) as EvalReport;
  assert.equal(report.seed, 2);
  assert.ok(report.transactions >= 1500);
  assert.equal(report.customers, 2_000, 'the default population');
  assert.ok(Array.isArray(report.ours.scores.scenarios) && Array.isArray(report.baseline.scores.lookAlikes.kinds));
  assert.ok(report.ours.scores.ranking && typeof report.ours.scores.ranking.averagePrecision === 'number', 'AP beside recall and precision');
});

test('fraud eval lists every invalid option with FRAUD_USAGE', async () => {
  await assert.rejects(
    evalCommand().parseAsync(['--transactions', 'many', '--rate', '-1', '--mix', 'nope=1', '--days', 'soon'], { from: 'user' }),
    (error: unknown) => isFraudError(error, 'FRAUD_USAGE') && error.problems.length === 4,
  );
  await assert.rejects(
    evalCommand().parseAsync(['--customers', '100', '--days', '10'], { from: 'user' }),
    (error: unknown) => isFraudError(error, 'FRAUD_USAGE') && /--days/.test(error.problems.join()),
  );
});
