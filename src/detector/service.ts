import { isFraudError } from '../errors.ts';
import type { Log, LogConsumer, PartitionPosition, TopicPartition } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { BatchProcessor, type OutputTopics, type ProcessedRecord } from './processor.ts';
import type { Ruleset } from './rules/ruleset.ts';
import { DetectorState } from './state/store.ts';

export interface DetectorOptions {
  log: Log;
  inputTopic: string;
  outputs: OutputTopics;
  groupId: string;
  batchSize: number;
  exactlyOnce: boolean;
  maxRecordBytes: number;
  ruleset: () => Ruleset;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Sees every committed batch (the in-process dashboard and progress lines use it). */
  onCommitted?: (processed: ProcessedRecord[]) => void;
  /**
   * Records replayed per partition, before its committed position, to rebuild the windows
   * when the partition is assigned (start, restart, rebalance). Enough to cover the
   * longest window at the partition's rate gives the decisions of an uninterrupted run.
   */
  replayRecords?: number;
}

export interface DetectorTotals {
  batches: number;
  decided: number;
  deadLetters: number;
  fencedBatches: number;
}

/**
 * The detector's loop: poll a batch, decide it, then append the decisions and commit
 * the input positions in one atomic step. Stopping (the signal) lets the batch in
 * flight commit first, so SIGINT/SIGTERM never loses or doubles a decision.
 */
export async function runDetector(options: DetectorOptions, signal: AbortSignal): Promise<DetectorTotals> {
  const consumer = await options.log.createConsumer({
    topics: [options.inputTopic],
    groupId: options.groupId,
    startFrom: 'earliest',
    exactlyOnce: options.exactlyOnce,
  });
  const state = new DetectorState();
  const processor = new BatchProcessor({
    topics: options.outputs,
    maxRecordBytes: options.maxRecordBytes,
    ruleset: options.ruleset,
    now: options.now ?? Date.now,
    state,
  });
  consumer.onAssignmentChange(async ({ assigned, revoked }) => {
    state.drop(revoked);
    let replayed = 0;
    for (const tp of assigned) replayed += await rebuild(tp, consumer, processor, options);
    options.logger.info({ assigned: assigned.map(label), revoked: revoked.map(label), replayed }, 'partitions assigned');
  });
  const totals: DetectorTotals = { batches: 0, decided: 0, deadLetters: 0, fencedBatches: 0 };
  try {
    while (!signal.aborted) await runOnce({ consumer, processor, state }, options, totals, signal);
  } finally {
    await consumer.close();
  }
  return totals;
}

interface Loop {
  consumer: LogConsumer;
  processor: BatchProcessor;
  state: DetectorState;
}

async function runOnce({ consumer, processor, state }: Loop, options: DetectorOptions, totals: DetectorTotals, signal: AbortSignal): Promise<void> {
  const records = await consumer.poll({ maxRecords: options.batchSize, maxWaitMs: 500, signal });
  if (records.length === 0) return;
  const stopTimer = options.metrics?.batchSeconds.startTimer();
  const batch = processor.process(records);
  try {
    await consumer.commitBatch(batch.outputs, batch.positions);
  } catch (error) {
    if (!isFraudError(error, 'FRAUD_LOG_FENCED')) throw error;
    // Another detector owns these partitions now and will decide the records itself, or
    // they will be read again here: either way the windows must forget this batch.
    await forgetBatch(batch.positions, consumer, processor, state, options);
    totals.fencedBatches++;
    options.metrics?.batches.inc({ result: 'fenced' });
    options.logger.warn({ records: records.length }, 'batch dropped: its partitions moved to another detector');
    return;
  }
  stopTimer?.();
  totals.batches++;
  options.metrics?.batches.inc({ result: 'committed' });
  count(batch.processed, totals, options.metrics);
  options.onCommitted?.(batch.processed);
}

/**
 * After a refused batch, the state of its partitions holds records that were not
 * committed: drop it, and rebuild the partitions still ours from their committed position.
 */
async function forgetBatch(
  positions: PartitionPosition[],
  consumer: LogConsumer,
  processor: BatchProcessor,
  state: DetectorState,
  options: DetectorOptions,
): Promise<void> {
  const owned = new Set(consumer.assignment().map((tp) => `${tp.topic}\u0000${tp.partition}`));
  state.drop(positions);
  for (const tp of positions) {
    if (owned.has(`${tp.topic}\u0000${tp.partition}`)) await rebuild({ topic: tp.topic, partition: tp.partition }, consumer, processor, options);
  }
}

/** Replays the records before the committed position of a newly assigned partition into the state. */
async function rebuild(tp: TopicPartition, consumer: LogConsumer, processor: BatchProcessor, options: DetectorOptions): Promise<number> {
  const [committed] = await consumer.committed([tp]);
  if (!committed) return 0;
  const bounds = (await options.log.partitionBounds(tp.topic)).find((candidate) => candidate.partition === tp.partition);
  let from = Math.max(bounds?.start ?? 0, committed.offset - (options.replayRecords ?? 100_000));
  let replayed = 0;
  while (from < committed.offset) {
    const batch = await options.log.read({ ...tp, from, maxRecords: Math.min(5000, committed.offset - from) });
    const before = batch.filter((record) => record.offset < committed.offset);
    if (before.length === 0) break;
    replayed += processor.warm(before);
    from = (before[before.length - 1]?.offset ?? from) + 1;
  }
  return replayed;
}

function count(processed: ProcessedRecord[], totals: DetectorTotals, metrics: Metrics | undefined): void {
  for (const item of processed) {
    if (item.kind === 'dead-letter') {
      totals.deadLetters++;
      metrics?.deadLetters.inc({ error: item.deadLetter.error });
      continue;
    }
    totals.decided++;
    metrics?.decisions.inc({ verdict: item.transaction.decision.verdict });
    for (const outcome of item.outcomes) {
      metrics?.ruleOutcomes.inc({ rule: outcome.rule, outcome: outcome.outcome, mode: outcome.shadow ? 'shadow' : 'live' });
    }
  }
}

function label(tp: { topic: string; partition: number }): string {
  return `${tp.topic}[${tp.partition}]`;
}
