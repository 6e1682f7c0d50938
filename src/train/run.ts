import { readFileSync } from 'node:fs';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { FraudError } from '../errors.ts';
import type { Log } from '../log/types.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type HeldOutMetrics, type ModelFile } from '../model/format.ts';
import { writeModelFile } from '../model/io.ts';
import { CompiledEnsemble } from '../model/scorer.ts';
import { train } from '../model/train.ts';
import type { TrainOptions } from '../model/types.ts';
import { evaluateHeldOut } from './evaluate.ts';
import { readLabelsFile } from './labels.ts';
import { replayHistory, type Period } from './replay.ts';
import type { CollectedRows } from './rows.ts';
import { fileRecords, topicRecords } from './sources.ts';

const DAY_MS = 86_400_000;

/**
 * The hyperparameters `fraud train` (and `fraud eval --train`) use unless told otherwise:
 * chosen on the Handbook benchmark's validation weeks (README, "Training a model").
 */
export const TRAIN_DEFAULTS = { trees: 300, maxDepth: 4, learningRate: 0.05 } as const;

export interface TrainRunOptions {
  source: { kind: 'file'; path: string } | { kind: 'topic'; topic: string; log: Log };
  labelsFile: string;
  /** Training period [since, until), epoch ms. */
  since: number;
  until: number;
  /** Held-out period [testSince, testUntil); by default the training period's length, starting a delay after it. */
  testSince?: number;
  testUntil?: number;
  /** Days a label takes to arrive: a training row's target is what was known this long after it. */
  delayDays: number;
  ruleset: Ruleset;
  out: string;
  modelId: string;
  hyperParameters: Partial<TrainOptions>;
  maxRecordBytes: number;
  onProgress?: (phase: 'replay' | 'train', done: number) => void;
  signal?: AbortSignal;
}

export interface TrainReport {
  out: string;
  modelId: string;
  version: string;
  features: number;
  records: number;
  invalidRecords: number;
  labels: number;
  replaySeconds: number;
  training: ModelFile['training'];
  hyperParameters: ModelFile['hyperParameters'];
  heldOut: HeldOutMetrics | undefined;
  /** Scoring cost of the trained model, measured on the held-out rows (or the training rows). */
  scoringMicrosPerRow: number;
  /** Why there are no held-out figures, when there are none. */
  note?: string;
}

/** `fraud train`: replay, join labels, train, evaluate on the later period, write the model file. */
export async function runTraining(options: TrainRunOptions): Promise<TrainReport> {
  const labels = await readLabelsFile(options.labelsFile);
  const delayMs = options.delayDays * DAY_MS;
  const testSince = options.testSince ?? options.until + delayMs;
  const testUntil = options.testUntil ?? testSince + (options.until - options.since);
  const periods: Period[] = [
    { name: 'train', since: options.since, until: options.until },
    { name: 'test', since: testSince, until: testUntil },
  ];
  if (testSince < options.until) throw new FraudError('FRAUD_USAGE', 'the held-out period must start after the training period ends');
  const replayStarted = performance.now();
  const replay = await replayHistory({
    records: options.source.kind === 'file' ? fileRecords(options.source.path) : topicRecords(options.source.log, options.source.topic),
    ruleset: options.ruleset,
    labels,
    periods,
    maxRecordBytes: options.maxRecordBytes,
    onProgress: (n) => options.onProgress?.('replay', n),
    signal: options.signal,
  });
  const replaySeconds = (performance.now() - replayStarted) / 1000;
  const trainRows = replay.rows.get('train');
  if (!trainRows || trainRows.count === 0) {
    throw new FraudError('FRAUD_MODEL_TRAINING', 'no transaction of the history falls in the training period', {
      problems: [`training period ${iso(options.since)} .. ${iso(options.until)}, ${replay.records} records read`],
    });
  }
  const targets = Uint8Array.from(trainRows.ids, (id, i) => (labels.fraudAsOf(id, (trainRows.eventTimes[i] as number) + delayMs) ? 1 : 0));
  const trained = train(trainRows.matrix(), targets, options.hyperParameters);
  const compiled = new CompiledEnsemble(trained.ensemble);
  const testRows = replay.rows.get('test');
  const measured = testRows && testRows.count > 0 ? testRows : trainRows;
  const { scores, micros } = scoreRows(compiled, measured);
  const heldOut =
    testRows && testRows.count > 0
      ? evaluateHeldOut({
          rows: testRows,
          scores,
          labels,
          frauds: replay.frauds,
          since: testSince,
          until: testUntil,
          trainDays: Math.round((options.until - options.since) / DAY_MS),
          delayDays: options.delayDays,
          thresholds: options.ruleset.thresholds,
        })
      : undefined;
  const createdAt = new Date().toISOString();
  const model: ModelFile = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    id: options.modelId,
    version: createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'),
    createdAt,
    features: [...replay.names],
    training: {
      since: iso(options.since),
      until: iso(options.until),
      delayDays: options.delayDays,
      rows: trained.rows,
      frauds: trained.positives,
      seconds: Math.round(trained.millis) / 1000,
    },
    library: { name: 'fraud-detector/model (histogram gradient boosting)', version: packageVersion(), runtime: `node ${process.version}` },
    hyperParameters: { ...trained.options },
    metrics: heldOut ? { heldOut } : {},
    model: trained.ensemble,
  };
  writeModelFile(options.out, model);
  return {
    out: options.out,
    modelId: model.id,
    version: model.version,
    features: model.features.length,
    records: replay.records,
    invalidRecords: replay.invalid,
    labels: labels.size,
    replaySeconds: Math.round(replaySeconds * 10) / 10,
    training: model.training,
    hyperParameters: model.hyperParameters,
    heldOut,
    scoringMicrosPerRow: Math.round(micros * 100) / 100,
    ...(heldOut ? {} : { note: `no transaction in the held-out period ${iso(testSince)} .. ${iso(testUntil)}` }),
  };
}

function scoreRows(model: CompiledEnsemble, rows: CollectedRows): { scores: Float64Array; micros: number } {
  const { data, columns } = rows.matrix();
  const scores = new Float64Array(rows.count);
  const started = performance.now();
  model.probabilities(data, columns, scores);
  return { scores, micros: ((performance.now() - started) * 1000) / Math.max(1, rows.count) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
