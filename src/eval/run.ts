import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputTopics } from '../detector/processor.ts';
import { loadRulesetFile } from '../detector/rules/load.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { DAY_MS } from '../generator/pace.ts';
import type { ScenarioStream } from '../generator/scenarios/index.ts';
import { FRAUD_SCENARIOS, LOOK_ALIKE_SCENARIOS, type Label, type ScenarioName } from '../generator/scenarios/types.ts';
import { openEmbeddedLog } from '../log/embedded/index.ts';
import type { Log } from '../log/types.ts';
import { countRecords, readDecisions, readLabels, type PassDecisions } from './collect.ts';
import { feedStream } from './feed.ts';
import { EVAL_DEFAULTS, type EvalOptions, type EvalPhase } from './options.ts';
import { detectAll } from './pass.ts';
import { ConfigSchema } from '../config/schema.ts';
import { stateOptions } from '../detector/state/options.ts';
import type { EvalReport, PassReport, StreamFigures } from './report.ts';
import { evalStream } from './stream.ts';
import { trainForEval, type TrainedForEval } from './train-model.ts';
import { loadModelFile, type LoadedModel } from '../detector/model/loaded.ts';
import { score } from './score.ts';
import { allTopics, EVAL_TOPICS } from './topics.ts';

/**
 * `fraud eval`: a labelled scenario stream through the real detector, once per pass (our
 * ruleset, the baseline, and with a model: the model alone and the ruleset with it), on a
 * temporary embedded log removed afterwards. Every pass reads the stream's labels as the
 * labels topic carries them, each known `labelDelayDays` after its transaction.
 */
export async function runEval(given: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const options = { ...given, labelDelayDays: given.labelDelayDays ?? EVAL_DEFAULTS.labelDelayDays };
  const ours = loadRulesetFile(options.rulesFile);
  const baseline = loadRulesetFile(options.baselineFile);
  // A given model is checked before anything runs, as the detector checks it at start-up.
  const givenModel = options.model && 'file' in options.model ? loadModelFile(options.model.file) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'fraud-eval-'));
  const log = openEmbeddedLog({ dataDir });
  try {
    await log.ensureTopics(allTopics(EVAL_TOPICS).map((name) => ({ name, partitions: options.partitions })));
    const stream = evalStream(options, options.seed, ours);
    const sent = await produce(log, stream, options);
    // Stopped (Ctrl-C) part way: no report, since partial figures would read as real ones.
    options.signal?.throwIfAborted();
    const context = { ...options, dataDir };
    const trained = options.model && 'trainSeed' in options.model ? await trainForEval(log, ours, { ...context, trainSeed: options.model.trainSeed }) : undefined;
    const modelFile = trained?.file ?? (options.model && 'file' in options.model ? options.model.file : undefined);
    const model = trained ? loadModelFile(trained.file) : givenModel;
    const labels = await readLabels(log, EVAL_TOPICS.labels);
    const pass = async (phase: Exclude<EvalPhase, 'produce' | 'train'>, outputs: OutputTopics, ruleset: Ruleset, file: string, withModel?: LoadedModel): Promise<PassReport> => {
      options.signal?.throwIfAborted();
      const decided = await decide(log, phase, outputs, ruleset, withModel, sent, context);
      return {
        rules: { file, version: ruleset.version },
        ...(withModel ? { model: { id: withModel.id, version: withModel.version } } : {}),
        scores: score({ labels, verdicts: decided.verdicts, ranked: decided.ranked }),
      };
    };
    const oursPass = await pass('ours', EVAL_TOPICS.ours, ours, options.rulesFile);
    const baselinePass = await pass('baseline', EVAL_TOPICS.baseline, baseline, options.baselineFile);
    const modelPasses = model
      ? {
          modelOnly: await pass('model', EVAL_TOPICS.model, withoutRules(ours), options.rulesFile, model),
          combined: await pass('combined', EVAL_TOPICS.combined, ours, options.rulesFile, model),
        }
      : {};
    options.signal?.throwIfAborted();
    return {
      ...streamFigures(options, stream, sent, labels),
      labelDelayDays: options.labelDelayDays,
      ...(model ? { model: { file: modelFile as string, id: model.id, version: model.version, ...(trained ? { trainedOn: trainedOn(trained) } : {}) } } : {}),
      ours: oursPass,
      baseline: baselinePass,
      ...modelPasses,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await log.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The ruleset's thresholds and feature settings without its rules: the model's score alone decides. */
function withoutRules(ruleset: Ruleset): Ruleset {
  return { ...ruleset, version: `${ruleset.version}, no rules`, rules: [] };
}

function trainedOn(trained: TrainedForEval): NonNullable<EvalReport['model']>['trainedOn'] {
  const { report } = trained;
  return { seed: trained.seed, transactions: trained.transactions, rows: report.training.rows, frauds: report.training.frauds, since: report.training.since, until: report.training.until, seconds: report.training.seconds };
}

async function produce(log: Log, stream: ScenarioStream, options: EvalOptions): Promise<number> {
  const progress = (done: number): void => options.onProgress?.({ phase: 'produce', done, total: options.transactions });
  const signal = options.signal ?? new AbortController().signal;
  await feedStream({ log, stream, count: options.transactions, topics: EVAL_TOPICS, labelDelayDays: options.labelDelayDays, onSent: progress, signal });
  // The count read back, not the count sent: it is what the detector will see.
  return countRecords(log, EVAL_TOPICS.transactions);
}

async function decide(
  log: Log,
  phase: EvalPhase,
  outputs: OutputTopics,
  ruleset: Ruleset,
  model: LoadedModel | undefined,
  expected: number,
  options: EvalOptions & { dataDir: string },
): Promise<PassDecisions> {
  await detectAll({
    log,
    inputTopic: EVAL_TOPICS.transactions,
    outputs,
    groupId: `eval-${phase}`,
    labelsTopic: EVAL_TOPICS.labels,
    ruleset,
    model,
    state: stateOptions({ ...ConfigSchema.parse({}).state, dataDir: options.dataDir }),
    expected,
    logger: options.logger,
    onDecided: (done) => options.onProgress?.({ phase, done, total: expected }),
    signal: options.signal ?? new AbortController().signal,
  });
  return readDecisions(log, outputs);
}

function streamFigures(options: EvalOptions, stream: ScenarioStream, sent: number, labels: Label[]): StreamFigures {
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
