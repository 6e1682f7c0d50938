import { isFraudError } from '../errors.ts';
import { Backoff, describeError, isTransientLogError } from '../log/retry.ts';
import type { Log, LogConsumer, PartitionPosition, TopicPartition } from '../log/types.ts';
import type { DetectorHealth } from '../observability/health.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { monitorDetector } from '../observability/monitor.ts';
import { sleep } from '../util/wait.ts';
import { BatchProcessor, nextPositions, type BatchResult, type OutputTopics, type ProcessedRecord } from './processor.ts';
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
  /** Told how the loop is doing, for /healthz; with metrics, lag and connectivity are sampled too. */
  health?: DetectorHealth;
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

/** A decided batch whose commit is under way while the next one is read and decided. */
interface InFlight {
  batch: BatchResult;
  commit: Promise<void>;
  stopTimer: (() => void) | undefined;
}

interface Loop {
  consumer: LogConsumer;
  processor: BatchProcessor;
  state: DetectorState;
  /** Partitions whose windows must be rebuilt before their next record is decided. */
  stale: Map<string, TopicPartition>;
  totals: DetectorTotals;
  inFlight: InFlight | undefined;
}

/**
 * The detector's loop: poll a batch, decide it, then append the decisions and commit
 * the input positions in one atomic step. Stopping (the signal) lets the batch in
 * flight commit first, so SIGINT/SIGTERM never loses or doubles a decision. While the
 * log is unavailable (broker restarting, network) it waits and tries again: the last
 * committed positions say where to go on, so nothing is lost or decided twice.
 */
export async function runDetector(options: DetectorOptions, signal: AbortSignal): Promise<DetectorTotals> {
  const loop = await openLoop(options);
  const stopMonitor = new AbortController();
  const monitoring = options.metrics || options.health ? monitorDetector(monitorOptions(options, loop.consumer), stopMonitor.signal) : undefined;
  options.health?.started();
  try {
    await turnUntilStopped(loop, options, signal);
    await settle(loop, options); // the last batch's commit, before the consumer closes
  } finally {
    options.health?.stopped();
    stopMonitor.abort();
    await monitoring;
    await loop.consumer.close();
  }
  return loop.totals;
}

async function openLoop(options: DetectorOptions): Promise<Loop> {
  const consumer = await options.log.createConsumer({
    topics: [options.inputTopic],
    groupId: options.groupId,
    startFrom: 'earliest',
    exactlyOnce: options.exactlyOnce,
    onTransaction: (result) => options.metrics?.kafkaTransactions.inc({ result }),
  });
  const state = new DetectorState();
  const processor = new BatchProcessor({
    topics: options.outputs,
    maxRecordBytes: options.maxRecordBytes,
    ruleset: options.ruleset,
    now: options.now ?? Date.now,
    state,
  });
  const totals = { batches: 0, decided: 0, deadLetters: 0, fencedBatches: 0 };
  const loop: Loop = { consumer, processor, state, stale: new Map(), totals, inFlight: undefined };
  // The new partitions' windows are rebuilt by the loop before any of their records is
  // decided, once the batch in flight has committed (a rebuild reads committed positions).
  consumer.onAssignmentChange(({ assigned, revoked }) => {
    state.drop(revoked);
    for (const tp of revoked) loop.stale.delete(slot(tp));
    markStale(loop, assigned);
    options.logger.info({ assigned: assigned.map(label), revoked: revoked.map(label) }, 'partitions assigned');
  });
  return loop;
}

function monitorOptions(options: DetectorOptions, consumer: LogConsumer): Parameters<typeof monitorDetector>[0] {
  const { log, logger, metrics, health } = options;
  return { log, consumer, topic: options.inputTopic, logger, metrics, health };
}

/** Turns the loop until the signal; transient failures of the log are waited out with backoff. */
async function turnUntilStopped(loop: Loop, options: DetectorOptions, signal: AbortSignal): Promise<void> {
  const backoff = new Backoff();
  while (!signal.aborted) {
    try {
      await runOnce(loop, options, signal);
      backoff.reset();
      options.health?.turned();
      // With a backlog every await above may resolve at once (the embedded log answers
      // synchronously): yield to the event loop so signals, timers and sockets are served.
      await new Promise((resolve) => setImmediate(resolve));
    } catch (error) {
      if (!isTransientLogError(error)) throw error;
      const retryInMs = backoff.next();
      const reason = describeError(error);
      options.health?.retrying(reason);
      options.logger.warn({ err: reason, attempt: backoff.attempts, retryInMs }, 'the log is unavailable: retrying');
      await sleep(retryInMs, signal);
    }
  }
}

/**
 * One turn: read and decide a batch while the previous batch's commit is under way (the
 * broker's round trips overlap the deciding), then commit this one. When the previous
 * commit failed, this batch was decided on top of records that will be read again: it
 * is dropped too, its partitions rewound and their windows rebuilt.
 */
async function runOnce(loop: Loop, options: DetectorOptions, signal: AbortSignal): Promise<void> {
  const { consumer, processor } = loop;
  if (loop.stale.size > 0) {
    await settle(loop, options);
    await rebuildStale(loop, options);
  }
  const records = await consumer.poll({ maxRecords: options.batchSize, maxWaitMs: 500, signal });
  if (records.length === 0) {
    await settle(loop, options);
    return;
  }
  if (records.length < options.batchSize && loop.inFlight) {
    // Not a full batch: rather than decide it alongside the commit, let the commit finish
    // and take what arrived meanwhile. Fewer, larger batches: each Kafka transaction
    // costs a few round trips whatever its size.
    if (!(await unlessSettled(loop, nextPositions(records), () => settle(loop, options)))) return;
    records.push(...(await consumer.poll({ maxRecords: options.batchSize - records.length, maxWaitMs: 0, signal })));
  }
  if (loop.stale.size > 0 && !(await unlessSettled(loop, nextPositions(records), () => catchUp(loop, options)))) return;
  const stopTimer = options.metrics?.batchSeconds.startTimer();
  const batch = processor.process(records);
  if (!(await unlessSettled(loop, batch.positions, () => settle(loop, options)))) return;
  loop.inFlight = { batch, commit: consumer.commitBatch(batch.outputs, batch.positions), stopTimer };
  // Handled in settle(); this keeps an early failure from counting as unhandled meanwhile.
  loop.inFlight.commit.catch(() => undefined);
}

/**
 * Settles the batch in flight before going on with records already read. If that commit
 * failed, in any way, those records were read (and maybe decided) past uncommitted ones:
 * they are forgotten and their partitions rewound, so they are read again in order and
 * none is skipped. Returns whether to go on; rethrows what the loop must handle.
 */
async function unlessSettled(loop: Loop, read: PartitionPosition[], settleFirst: () => Promise<boolean>): Promise<boolean> {
  let settled = false;
  try {
    settled = await settleFirst();
  } finally {
    if (!settled) {
      loop.state.drop(read);
      markStale(loop, read);
      loop.consumer.rewind(read);
    }
  }
  return settled;
}

/** The assignment changed during the poll: settle the batch in flight, then rebuild. */
async function catchUp(loop: Loop, options: DetectorOptions): Promise<boolean> {
  const committed = await settle(loop, options);
  const replayed = await rebuildStale(loop, options);
  if (replayed > 0) options.logger.info({ replayed }, 'windows rebuilt');
  return committed;
}

/**
 * Waits for the batch in flight. Committed: counted and reported. Not committed: the
 * records will be read again (here, or by the partitions' new owner), so the windows
 * forget them and are rebuilt from the committed positions. False when it failed.
 */
async function settle(loop: Loop, options: DetectorOptions): Promise<boolean> {
  const inFlight = loop.inFlight;
  if (!inFlight) return true;
  loop.inFlight = undefined;
  const { batch } = inFlight;
  try {
    await inFlight.commit;
  } catch (error) {
    loop.state.drop(batch.positions);
    markStale(loop, batch.positions);
    if (isFraudError(error, 'FRAUD_LOG_ABORTED')) {
      // The test switch (FRAUD_TEST_ABORT_RATIO): the batch is read again at once, no backoff.
      options.metrics?.batches.inc({ result: 'aborted' });
      options.logger.warn({ records: batch.processed.length }, 'batch dropped: its transaction was aborted by the test switch');
      return false;
    }
    if (!isFraudError(error, 'FRAUD_LOG_FENCED')) throw error;
    loop.totals.fencedBatches++;
    options.metrics?.batches.inc({ result: 'fenced' });
    options.logger.warn({ records: batch.processed.length }, 'batch dropped: its partitions moved to another detector');
    return false;
  }
  inFlight.stopTimer?.();
  loop.totals.batches++;
  options.metrics?.batches.inc({ result: 'committed' });
  options.health?.committed();
  count(batch.processed, loop.totals, options.metrics);
  options.onCommitted?.(batch.processed);
  return true;
}

function markStale(loop: Loop, partitions: TopicPartition[]): void {
  for (const { topic, partition } of partitions) loop.stale.set(slot({ topic, partition }), { topic, partition });
}

/**
 * Rebuilds the stale partitions this consumer still owns. One that fails (the log went
 * away mid-replay) stays stale, its partial state dropped, and is rebuilt on the next try.
 */
async function rebuildStale(loop: Loop, options: DetectorOptions): Promise<number> {
  const owned = new Set(loop.consumer.assignment().map(slot));
  let replayed = 0;
  for (const [key, tp] of loop.stale) {
    loop.state.drop([tp]);
    if (owned.has(key)) replayed += await rebuild(tp, loop, options);
    loop.stale.delete(key);
  }
  return replayed;
}

/** Replays the records before the committed position of a partition into the state. */
async function rebuild(tp: TopicPartition, { consumer, processor }: Loop, options: DetectorOptions): Promise<number> {
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

/** Counts a batch, aggregated first: one metric update per label set, not one per record. */
function count(processed: ProcessedRecord[], totals: DetectorTotals, metrics: Metrics | undefined): void {
  const tallies = new Map<string, number>();
  const tally = (key: string): void => void tallies.set(key, (tallies.get(key) ?? 0) + 1);
  for (const item of processed) {
    if (item.kind === 'dead-letter') {
      totals.deadLetters++;
      tally(`dead\u0000${item.deadLetter.error}`);
      continue;
    }
    totals.decided++;
    tally(`verdict\u0000${item.decision.verdict}`);
    for (const outcome of item.outcomes) tally(`rule\u0000${outcome.rule}\u0000${outcome.outcome}\u0000${outcome.shadow ? 'shadow' : 'live'}`);
  }
  if (!metrics) return;
  for (const [key, n] of tallies) {
    const [kind = '', a = '', b = '', c = ''] = key.split('\u0000');
    if (kind === 'dead') metrics.deadLetters.inc({ error: a }, n);
    else if (kind === 'verdict') metrics.decisions.inc({ verdict: a }, n);
    else metrics.ruleOutcomes.inc({ rule: a, outcome: b, mode: c }, n);
  }
}

function slot(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

function label(tp: TopicPartition): string {
  return `${tp.topic}[${tp.partition}]`;
}
