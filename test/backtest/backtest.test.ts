import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runBacktest } from '../../src/backtest/run.ts';
import { fileHistory, topicHistory } from '../../src/backtest/source.ts';
import { NO_LABELS } from '../../src/backtest/labels.ts';
import type { BacktestReport, ChangedDecision } from '../../src/backtest/types.ts';
import { ConfigSchema } from '../../src/config/schema.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import type { Ruleset } from '../../src/detector/rules/ruleset.ts';
import { DEFAULT_LIMITS } from '../../src/detector/state/limits.ts';
import { stateOptions } from '../../src/detector/state/options.ts';
import { detectAll } from '../../src/eval/pass.ts';
import { feedStream } from '../../src/eval/feed.ts';
import { ScenarioStream } from '../../src/generator/scenarios/index.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import type { Log } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { runFraud } from '../helpers/cli.ts';
import { readAll } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';
import { aChangedRuleset, VELOCITY_3 } from './fixtures.ts';
import { anAmountModel, sigmoid } from '../detector/model-fixture.ts';
import { loadModelFile, type LoadedModel } from '../../src/detector/model/loaded.ts';

const TRANSACTIONS = 3000;
const PARTITIONS = 3;
const TOPICS = { transactions: 'bt.transactions', labels: 'bt.labels' };

/** The scenario stream (velocity bursts among everyday traffic) on a fresh embedded log. */
async function generatedStream(dir: string): Promise<Log> {
  const log = openEmbeddedLog({ dataDir: dir });
  await log.ensureTopics([TOPICS.transactions, TOPICS.labels].map((name) => ({ name, partitions: PARTITIONS })));
  const stream = new ScenarioStream({ seed: 4242, ratePerSecond: 50, startTime: Date.parse('2026-03-02T08:00:00Z'), customers: 1500, mix: { 'velocity-burst': 40 } });
  await feedStream({ log, stream, count: TRANSACTIONS, topics: TOPICS, signal: new AbortController().signal });
  return log;
}

/** `fraud detect`'s loop over the whole input topic with one ruleset; each decision's verdict and score by id. */
async function detectWith(log: Log, dir: string, name: string, ruleset: Ruleset, expected: number, model?: LoadedModel): Promise<Map<string, { verdict: string; score: number }>> {
  const outputs = { legit: `bt.${name}.legit`, fraud: `bt.${name}.fraud`, deadLetter: `bt.${name}.dlq` };
  await log.ensureTopics(Object.values(outputs).map((topic) => ({ name: topic, partitions: PARTITIONS })));
  await detectAll({
    log,
    inputTopic: TOPICS.transactions,
    outputs,
    groupId: `bt-${name}`,
    ruleset,
    model,
    state: stateOptions({ ...ConfigSchema.parse({}).state, dataDir: join(dir, name) }),
    expected,
    logger: silentLogger(),
    signal: new AbortController().signal,
  });
  const decisions = new Map<string, { verdict: string; score: number }>();
  for (const record of [...(await readAll(log, outputs.legit)), ...(await readAll(log, outputs.fraud))]) {
    const value = JSON.parse(String(record.value)) as { id: string; decision: { verdict: string; score: number } };
    decisions.set(value.id, value.decision);
  }
  return decisions;
}

test('a candidate model is backtested as the detector decides with it: the same changed decisions, scores and verdicts', async (t) => {
  const dir = tempDir(t);
  const log = await generatedStream(dir);
  t.after(() => log.close());
  const inputs = (await log.partitionBounds(TOPICS.transactions)).reduce((sum, b) => sum + b.end - b.start, 0);
  const rules = loadRulesetFile(DEFAULT_RULES_FILE);
  const modelFile = join(dir, 'amount.model.json');
  writeFileSync(modelFile, JSON.stringify(anAmountModel({ cut: 400 })));
  const model = loadModelFile(modelFile);
  const before = await detectWith(log, dir, 'rules', rules, inputs);
  const after = await detectWith(log, dir, 'rules-model', rules, inputs, model);
  const differ = [...before].filter(([id, decision]) => after.get(id)?.verdict !== decision.verdict).map(([id]) => id).sort();
  assert.ok(differ.length > 0, 'the model flags payments the rules leave');

  const changed: ChangedDecision[] = [];
  const report = await runBacktest({
    history: topicHistory(log, TOPICS.transactions, { maxRecordBytes: 65_536 }),
    ordered: true,
    baseline: rules,
    candidate: rules,
    models: { candidate: model },
    labels: NO_LABELS,
    limits: DEFAULT_LIMITS,
    labelIndexDays: 45,
    sampleSize: 3,
    onChanged: (decision) => changed.push(decision),
  });
  assert.deepEqual(changed.map((c) => c.id).sort(), differ);
  assert.equal(report.candidate.model, 'amount@1');
  assert.equal(report.baseline.model, undefined);
  assert.equal(report.candidate.alerts, [...after.values()].filter((d) => d.verdict !== 'legit').length);
  for (const c of changed) {
    assert.deepEqual({ verdict: c.candidate.verdict, score: c.candidate.score }, { verdict: after.get(c.id)?.verdict, score: after.get(c.id)?.score });
    assert.deepEqual({ verdict: c.baseline.verdict, score: c.baseline.score }, { verdict: before.get(c.id)?.verdict, score: before.get(c.id)?.score });
    assert.ok(c.candidate.model && Math.abs(c.candidate.model.probability - sigmoid(3)) < 1e-6, 'flagged by the model: p = sigmoid(3)');
    if (c.candidate.verdict !== 'legit') assert.ok(c.candidate.reasons.some((r) => r.rule === 'model:contribution' && /source\.max_1h/.test(r.detail)), JSON.stringify(c.candidate.reasons));
  }
  // The model adds 100 × p to every score (capped at 100): changed verdicts, or the same verdict with another score.
  assert.equal(report.changed + report.scoreChanges, [...before].filter(([id, decision]) => after.get(id)?.score !== decision.score).length);

  // The command: --candidate names a model file, so the candidate is the baseline's ruleset with it.
  const run = await runFraud(['backtest', '--data-dir', dir, '--transactions-topic', TOPICS.transactions, '--candidate', modelFile, '--baseline', DEFAULT_RULES_FILE, '--no-labels-topic', '--json'], { env: { RULES_TOPIC: 'bt.rules' } });
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as BacktestReport;
  assert.deepEqual([json.changed, json.candidate.model, json.candidate.version, json.baseline.version], [differ.length, 'amount@1', rules.version, rules.version]);
  // And the other way: the model as the baseline's, "none" for the candidate's.
  const without = await runFraud(['backtest', '--data-dir', dir, '--transactions-topic', TOPICS.transactions, '--candidate', DEFAULT_RULES_FILE, '--candidate-model', 'none', '--baseline', DEFAULT_RULES_FILE, '--baseline-model', modelFile, '--no-labels-topic', '--json'], { env: { RULES_TOPIC: 'bt.rules' } });
  assert.equal(without.code, 0, without.stderr);
  const reverse = JSON.parse(without.stdout) as BacktestReport;
  assert.deepEqual([reverse.changed, reverse.baseline.model, reverse.candidate.model, reverse.noLongerFlagged], [differ.length, 'amount@1', undefined, json.newlyFlagged]);
  const refused = await runFraud(['backtest', '--data-dir', dir, '--candidate', modelFile, '--candidate-model', modelFile, '--baseline', DEFAULT_RULES_FILE]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /candidate-model/);
});

test("the backtest's changed decisions are exactly those that differ between two runs of the detector, one per ruleset", async (t) => {
  const dir = tempDir(t);
  const log = await generatedStream(dir);
  t.after(() => log.close());
  const inputs = (await log.partitionBounds(TOPICS.transactions)).reduce((sum, b) => sum + b.end - b.start, 0);
  const baseline = loadRulesetFile(DEFAULT_RULES_FILE);
  const candidate = loadRulesetFile(aChangedRuleset(dir, 'velocity-3', VELOCITY_3));
  const before = await detectWith(log, dir, 'baseline', baseline, inputs);
  const after = await detectWith(log, dir, 'candidate', candidate, inputs);
  assert.equal(before.size, inputs);
  assert.equal(after.size, inputs);
  const differ = [...before].filter(([id, decision]) => after.get(id)?.verdict !== decision.verdict).map(([id]) => id).sort();
  assert.ok(differ.length > 0, 'the lower velocity threshold changes some decisions of this stream');

  const changed: ChangedDecision[] = [];
  const report = await runBacktest({
    history: topicHistory(log, TOPICS.transactions, { maxRecordBytes: 65_536 }),
    ordered: true,
    baseline,
    candidate,
    labels: NO_LABELS,
    limits: DEFAULT_LIMITS,
    labelIndexDays: 45,
    sampleSize: 5,
    onChanged: (decision) => changed.push(decision),
  });
  assert.deepEqual(changed.map((c) => c.id).sort(), differ);
  assert.equal(report.transactions, inputs);
  assert.equal(report.changed, differ.length);
  const newly = differ.filter((id) => before.get(id)?.verdict === 'legit').length;
  assert.equal(report.newlyFlagged, newly);
  assert.equal(report.noLongerFlagged, differ.filter((id) => after.get(id)?.verdict === 'legit').length);
  const flagged = (decisions: Map<string, { verdict: string }>): number => [...decisions.values()].filter((d) => d.verdict !== 'legit').length;
  assert.equal(report.baseline.alerts, flagged(before));
  assert.equal(report.candidate.alerts, flagged(after));
  // Every decision the same, scores included, not only the verdicts.
  for (const c of changed) {
    assert.deepEqual({ verdict: c.baseline.verdict, score: c.baseline.score }, { verdict: before.get(c.id)?.verdict, score: before.get(c.id)?.score });
    assert.deepEqual({ verdict: c.candidate.verdict, score: c.candidate.score }, { verdict: after.get(c.id)?.verdict, score: after.get(c.id)?.score });
    assert.ok(c.candidate.reasons.some((r) => r.rule === 'velocity-burst') || c.baseline.reasons.some((r) => r.rule === 'velocity-burst'), c.id);
  }
  assert.equal(report.byRule['velocity-burst']?.changed, differ.length);
  assert.equal(report.byDay.reduce((sum, day) => sum + day.changed, 0), differ.length);
  assert.equal(report.sample.length, Math.min(5, differ.length));

  // The other way round: what was newly flagged is no longer flagged.
  const reverse = await runBacktest({ history: topicHistory(log, TOPICS.transactions, { maxRecordBytes: 65_536 }), ordered: true, baseline: candidate, candidate: baseline, labels: NO_LABELS, limits: DEFAULT_LIMITS, labelIndexDays: 45, sampleSize: 0 });
  assert.equal(reverse.changed, differ.length);
  assert.equal(reverse.noLongerFlagged, newly);
  assert.equal(reverse.byRule['velocity-burst']?.noLongerFlagged, newly);

  // The same history as a JSON-lines file, in the merged order, gives the same answer.
  const file = join(dir, 'history.jsonl');
  const lines: string[] = [];
  for await (const record of topicHistory(log, TOPICS.transactions, { maxRecordBytes: 65_536 })) if (record.parsed.ok) lines.push(record.parsed.text);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const fromFile = await runBacktest({ history: fileHistory(file, { maxRecordBytes: 65_536 }), ordered: false, baseline, candidate, labels: NO_LABELS, limits: DEFAULT_LIMITS, labelIndexDays: 45, sampleSize: 5 });
  assert.deepEqual(pick(fromFile), pick(report));

  // And the command, on the embedded log: the JSON report and the changed decisions written with --out.
  const out = join(dir, 'changed.jsonl');
  const run = await runFraud(['backtest', '--data-dir', dir, '--transactions-topic', TOPICS.transactions, '--candidate', join(dir, 'velocity-3.yaml'), '--baseline', DEFAULT_RULES_FILE, '--out', out, '--json'], { env: { LABELS_TOPIC: TOPICS.labels, RULES_TOPIC: 'bt.rules' } });
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as BacktestReport;
  for (const key of ['transactions', 'changed', 'newlyFlagged', 'noLongerFlagged', 'byRule', 'byDay', 'baseline', 'candidate']) assert.ok(key in json, key);
  assert.deepEqual(pick(json), pick(report));
  // The generator's scenario labels are the contract's, known a week after their transaction: the truth of the
  // figures, and features only from their knownAt on (no rule of either ruleset reads a label-fed feature).
  const incidents = (await readAll(log, TOPICS.labels)).length;
  assert.ok(incidents > 0);
  assert.equal(json.truthOnlyLabels, 0);
  assert.equal(json.labels, incidents);
  assert.ok(json.baseline.recall !== null && json.candidate.recall !== null && json.baseline.averagePrecision !== null);
  assert.ok(json.candidate.recall >= json.baseline.recall, 'a lower velocity threshold flags a superset');
  assert.ok((json.candidate.truePositives ?? 0) >= (json.baseline.truePositives ?? 0));
  const written = (await import('node:fs')).readFileSync(out, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as ChangedDecision).id).sort();
  assert.deepEqual(written, differ);
});

function pick(report: BacktestReport): unknown {
  return { transactions: report.transactions, changed: report.changed, newlyFlagged: report.newlyFlagged, noLongerFlagged: report.noLongerFlagged, byRule: report.byRule, byDay: report.byDay, alerts: [report.baseline.alerts, report.candidate.alerts] };
}

test('bad usage exits with code 2 and lists every problem', async () => {
  const run = await runFraud(['backtest', '--since', 'last tuesday', '--from', 'no-such-history.jsonl']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--candidate: is required/);
  assert.match(run.stderr, /--since: must be an ISO-8601 date or time/);
  const missing = await runFraud(['backtest', '--candidate', DEFAULT_RULES_FILE, '--baseline', DEFAULT_RULES_FILE, '--from', 'no-such-history.jsonl']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--from: no such file/);
});
