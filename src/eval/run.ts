import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Verdict } from '../domain/decision.ts';
import type { OutputTopics } from '../detector/processor.ts';
import { loadRulesetFile } from '../detector/rules/load.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { DAY_MS } from '../generator/pace.ts';
import { ScenarioStream } from '../generator/scenarios/index.ts';
import { FRAUD_SCENARIOS, LOOK_ALIKE_SCENARIOS, type Label, type ScenarioName } from '../generator/scenarios/types.ts';
import { openEmbeddedLog } from '../log/embedded/index.ts';
import type { Log } from '../log/types.ts';
import { countRecords, readLabels, readVerdicts } from './collect.ts';
import { feedStream } from './feed.ts';
import { EVAL_DEFAULTS, type EvalOptions, type EvalPhase } from './options.ts';
import { detectAll } from './pass.ts';
import { ConfigSchema } from '../config/schema.ts';
import { stateOptions } from '../detector/state/options.ts';
import type { EvalReport } from './report.ts';
import { score } from './score.ts';
import { allTopics, EVAL_TOPICS } from './topics.ts';

/**
 * `fraud eval`: a labelled scenario stream through the real detector, twice (our
 * ruleset, then the baseline), on a temporary embedded log removed afterwards.
 */
export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const ours = loadRulesetFile(options.rulesFile);
  const baseline = loadRulesetFile(options.baselineFile);
  const dataDir = mkdtempSync(join(tmpdir(), 'fraud-eval-'));
  const log = openEmbeddedLog({ dataDir });
  try {
    await log.ensureTopics(allTopics(EVAL_TOPICS).map((name) => ({ name, partitions: options.partitions })));
    const stream = new ScenarioStream({
      seed: options.seed,
      ratePerSecond: options.ratePerSecond,
      startTime: options.startTime,
      customers: options.customers ?? EVAL_DEFAULTS.customers,
      mix: options.mix,
      warmupTransactions: options.warmupTransactions,
      blockedAccounts: ours.definition.lists.blocked.accounts,
    });
    const sent = await produce(log, stream, options);
    // Stopped (Ctrl-C) part way: no report, since partial figures would read as real ones.
    options.signal?.throwIfAborted();
    const oursVerdicts = await decide(log, 'ours', EVAL_TOPICS.ours, ours, sent, { ...options, dataDir });
    options.signal?.throwIfAborted();
    const baselineVerdicts = await decide(log, 'baseline', EVAL_TOPICS.baseline, baseline, sent, { ...options, dataDir });
    options.signal?.throwIfAborted();
    const labels = await readLabels(log, EVAL_TOPICS.labels);
    return {
      ...streamFigures(options, stream, sent, labels),
      ours: { rules: { file: options.rulesFile, version: ours.version }, scores: score({ labels, verdicts: oursVerdicts }) },
      baseline: { rules: { file: options.baselineFile, version: baseline.version }, scores: score({ labels, verdicts: baselineVerdicts }) },
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await log.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function produce(log: Log, stream: ScenarioStream, options: EvalOptions): Promise<number> {
  const progress = (done: number): void => options.onProgress?.({ phase: 'produce', done, total: options.transactions });
  const signal = options.signal ?? new AbortController().signal;
  await feedStream({ log, stream, count: options.transactions, topics: EVAL_TOPICS, onSent: progress, signal });
  // The count read back, not the count sent: it is what the detector will see.
  return countRecords(log, EVAL_TOPICS.transactions);
}

async function decide(
  log: Log,
  phase: EvalPhase,
  outputs: OutputTopics,
  ruleset: Ruleset,
  expected: number,
  options: EvalOptions & { dataDir: string },
): Promise<Map<string, Verdict>> {
  await detectAll({
    log,
    inputTopic: EVAL_TOPICS.transactions,
    outputs,
    groupId: `eval-${phase}`,
    ruleset,
    state: stateOptions({ ...ConfigSchema.parse({}).state, dataDir: options.dataDir }),
    expected,
    logger: options.logger,
    onDecided: (done) => options.onProgress?.({ phase, done, total: expected }),
    signal: options.signal ?? new AbortController().signal,
  });
  return readVerdicts(log, outputs);
}

function streamFigures(options: EvalOptions, stream: ScenarioStream, sent: number, labels: Label[]): Omit<EvalReport, 'ours' | 'baseline' | 'seconds'> {
  return {
    seed: options.seed,
    startTime: new Date(options.startTime).toISOString(),
    customers: stream.population.directory.size,
    days: Math.round((stream.lastMs / DAY_MS) * 10) / 10,
    ratePerSecond: stream.lastMs > 0 ? Math.round((sent / (stream.lastMs / 1000)) * 1000) / 1000 : 0,
    partitions: options.partitions,
    transactions: sent,
    labelled: labels.length,
    fraudTransactions: labels.filter((label) => label.fraud).length,
    incidents: Object.fromEntries([...stream.incidents].sort(([a], [b]) => catalogueRank(a) - catalogueRank(b))),
    notes: stream.notes,
  };
}

const CATALOGUE: readonly ScenarioName[] = [...FRAUD_SCENARIOS, ...LOOK_ALIKE_SCENARIOS];

function catalogueRank(name: ScenarioName): number {
  return CATALOGUE.indexOf(name);
}
