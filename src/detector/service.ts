import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema } from '../config/schema.ts';
import { isFraudError } from '../errors.ts';
import { Backoff, describeError, isTransientLogError } from '../log/retry.ts';
import type { Log, PartitionPosition } from '../log/types.ts';
import type { DetectorHealth } from '../observability/health.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { monitorDetector } from '../observability/monitor.ts';
import { sleep } from '../util/wait.ts';
import { MergedInput, type OwnershipChange } from './input/merged-input.ts';
import { BatchProcessor, type BatchResult, type OutputTopics, type ProcessedRecord } from './processor.ts';
import type { LoadedModel } from './model/loaded.ts';
import type { Ruleset } from './rules/ruleset.ts';
import { changelogSpec, changelogTopic } from './state/changelog.ts';
import { Checkpointer, type CheckpointPolicy, type PendingCheckpoint } from './state/checkpointer.ts';
import type { StateLimits } from './state/limits.ts';
import { LocalStore } from './state/local-store.ts';
import { stateOptions } from './state/options.ts';
import { restoreState } from './state/restore.ts';
import { EntityStore } from './state/store.ts';

/** Where and how the detector keeps its state. */
export interface StateOptions {
  /** Folder of the local state stores (one slot per detector on this machine). */
  dir: string;
  /** Memory budget of the entities held in memory; the rest are read from the local store when needed. */
  memoryBytes: number;
  checkpoint: CheckpointPolicy;
  limits: StateLimits;
  /** Days of transactions kept by id for the labels that name only an id (0: none). */
  labelIndexDays: number;
}

export interface DetectorOptions {
  log: Log;
  inputTopic: string;
  /** The labels topic: ground truth as it becomes known, folded into the label-fed features (none without it). */
  labelsTopic?: string;
  outputs: OutputTopics;
  groupId: string;
  batchSize: number;
  exactlyOnce: boolean;
  maxRecordBytes: number;
  ruleset: () => Ruleset;
  /** The model in force, if any (read per batch: a hot-reloaded model applies from the next batch). */
  model?: () => LoadedModel | undefined;
  /** Without: a state in a temporary folder, removed when the detector stops (nothing survives a restart). */
  state?: StateOptions;
  logger: Logger;
  metrics?: Metrics;
  /** Told how the loop is doing, for /healthz; with metrics, lag and connectivity are sampled too. */
  health?: DetectorHealth;
  now?: () => number;
  /** Sees every committed batch (the in-process dashboard and progress lines use it). */
  onCommitted?: (processed: ProcessedRecord[]) => void;
}

export interface DetectorTotals {
  batches: number;
  decided: number;
  deadLetters: number;
  fencedBatches: number;
  /** Records applied to the state without being decided here (other detectors' partitions, replays). */
  applied: number;
}

/** A decided batch whose commit is under way while the next one is read and decided. */
interface InFlight {
  batch: BatchResult;
  commit: Promise<void>;
  checkpoint: PendingCheckpoint | undefined;
  stopTimer: (() => void) | undefined;
}

interface Loop {
  input: MergedInput;
  processor: BatchProcessor;
  store: EntityStore;
  local: LocalStore;
  checkpointer: Checkpointer;
  partitions: number;
  totals: DetectorTotals;
  inFlight: InFlight | undefined;
  /** Why the state must go back to the last checkpoint before the next batch, if it must. */
  rewind: string | undefined;
  watermark: number;
  writer: boolean;
}

/**
 * The detector's loop: read the next records of the merged input (every partition, in
 * event-time order), apply them all to the state and decide those of this detector's
 * partitions, then append the decisions and commit the input positions in one atomic
 * step, with the state's changelog when a checkpoint falls on the batch. The state is
 * the whole stream's, restored exactly after a restart (the local store's last
 * checkpoint, then the input replayed from its position), so decisions are those of an
 * uninterrupted run. Stopping (the signal) lets the batch in flight commit first. While
 * the log is unavailable it waits and tries again.
 */
export async function runDetector(options: DetectorOptions, signal: AbortSignal): Promise<DetectorTotals> {
  const loop = await openLoop(options);
  const stopMonitor = new AbortController();
  const monitoring = options.metrics || options.health ? monitorDetector(monitorOptions(options, loop), stopMonitor.signal) : undefined;
  options.health?.started();
  try {
    await turnUntilStopped(loop, options, signal);
    await settle(loop, options); // the last batch's commit, before the consumer closes
    // A last checkpoint: a clean restart replays nothing, and the changelog holds everything decided.
    if (loop.store.dirtyCount > 0) await checkpointAlone(loop, options).catch((error: unknown) => options.logger.warn({ err: describeError(error) }, 'no last checkpoint'));
    await loop.checkpointer.settled();
  } finally {
    options.health?.stopped();
    stopMonitor.abort();
    await monitoring;
    await loop.input.close();
    await loop.checkpointer.settled();
    await loop.local.close();
  }
  return loop.totals;
}

async function openLoop(options: DetectorOptions): Promise<Loop> {
  const { log, logger } = options;
  const state = options.state ?? ephemeralState();
  const inputStarts = (await log.partitionBounds(options.inputTopic)).map((bounds) => bounds.start);
  const partitions = inputStarts.length;
  const topic = changelogTopic(options.groupId);
  await log.ensureTopics([changelogSpec(options.groupId, partitions)]);
  const local = LocalStore.open({ stateDir: state.dir, group: options.groupId, topic: options.inputTopic, partitions, removeOnClose: !options.state });
  try {
    const startedAt = Date.now();
    const labelStarts = options.labelsTopic ? (await log.partitionBounds(options.labelsTopic)).map((bounds) => bounds.start) : [];
    const restored = await restoreState({ log, local, changelogTopic: topic, inputStarts, labelStarts, logger });
    logger.info({ from: restored.from, entities: restored.entities, store: local.dir, ms: Date.now() - startedAt }, 'state opened');
    const store = new EntityStore({ limits: state.limits, partitions, local, memoryBytes: state.memoryBytes, labelIndexDays: state.labelIndexDays });
    if (restored.homeCuts) store.setCatchUp(restored.homeCuts.input, restored.homeCuts.labels);
    const input = await MergedInput.open({
      log,
      topic: options.inputTopic,
      labelsTopic: options.labelsTopic,
      groupId: options.groupId,
      exactlyOnce: options.exactlyOnce,
      maxRecordBytes: options.maxRecordBytes,
      onTransaction: (result) => options.metrics?.kafkaTransactions.inc({ result }),
    });
    const processor = new BatchProcessor({
      topics: options.outputs,
      maxRecordBytes: options.maxRecordBytes,
      ruleset: options.ruleset,
      model: options.model,
      now: options.now ?? Date.now,
      store,
      limits: state.limits,
    });
    const checkpointer = new Checkpointer({
      store, local, log, inputTopic: options.inputTopic, changelogTopic: topic, partitions,
      policy: state.checkpoint, startCut: restored.start, changelogEnds: restored.changelogEnds,
      logger, metrics: options.metrics,
    });
    const totals = { batches: 0, decided: 0, deadLetters: 0, fencedBatches: 0, applied: 0 };
    const loop: Loop = { input, processor, store, local, checkpointer, partitions, totals, inFlight: undefined, rewind: undefined, watermark: Number.NEGATIVE_INFINITY, writer: false };
    input.onOwnershipChange((change) => onOwnership(loop, change, options));
    input.start(restored.start.input, restored.start.labels);
    return loop;
  } catch (error) {
    await local.close();
    throw error;
  }
}

function ephemeralState(): StateOptions {
  return stateOptions({ dir: mkdtempSync(join(tmpdir(), 'fraud-state-')), dataDir: tmpdir(), ...ConfigSchema.parse({}).state });
}

/**
 * Partitions moved. One that arrives behind the state (this detector applied its records
 * past where its last owner committed) needs its next records decided on the state as it
 * was then: back to the last checkpoint, when that is early enough, and forward again.
 */
async function onOwnership(loop: Loop, change: OwnershipChange, options: DetectorOptions): Promise<void> {
  const writer = loop.input.owned().includes(0);
  const became = writer && !loop.writer;
  if (!writer && loop.writer) loop.checkpointer.stoppedWriting();
  loop.writer = writer;
  if (became) await loop.checkpointer.becameWriter();
  const ahead = change.assigned.filter((tp) => tp.position > tp.decideFrom);
  if (ahead.length > 0) loop.rewind = 'partitions assigned behind the state';
  options.logger.info(
    { assigned: change.assigned.map((tp) => `${tp.topic}[${tp.partition}]@${tp.decideFrom}`), revoked: change.revoked.map((tp) => `${tp.topic}[${tp.partition}]`), writer },
    'partitions assigned',
  );
}

function monitorOptions(options: DetectorOptions, loop: Loop): Parameters<typeof monitorDetector>[0] {
  const { log, logger, metrics, health } = options;
  return { log, consumer: loop.input.group, topic: options.inputTopic, logger, metrics, health };
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
 * commit failed, this batch was decided on a state that included records to be decided
 * again: it is dropped, and the state goes back to the last checkpoint.
 */
async function runOnce(loop: Loop, options: DetectorOptions, signal: AbortSignal): Promise<void> {
  if (loop.rewind) {
    if (!(await settle(loop, options))) return;
    await rewind(loop, options, loop.rewind);
  }
  const items = await loop.input.next(options.batchSize, 500, signal);
  if (items.length === 0) {
    await settle(loop, options);
    // Not while a rewind is pending: partitions just assigned may hold records this detector
    // applied as a follower and nobody decided; the writer's fence would commit past them.
    if (loop.checkpointer.due() && !loop.rewind) await checkpointAlone(loop, options);
    return;
  }
  if (loop.rewind) return; // partitions moved while reading: what was read is read again after the rewind
  if (items.length < options.batchSize && loop.inFlight) {
    // Not a full batch: rather than decide it alongside the commit, let the commit finish
    // and take what arrived meanwhile. Fewer, larger batches: each Kafka transaction
    // costs a few round trips whatever its size.
    if (!(await settle(loop, options))) return;
    items.push(...(await loop.input.next(options.batchSize - items.length, 0, signal)));
  }
  const stopTimer = options.metrics?.batchSeconds.startTimer();
  const batch = loop.processor.process(items);
  const last = items[items.length - 1];
  if (last && last.eventTime > loop.watermark) loop.watermark = last.eventTime;
  loop.totals.applied += items.length - batch.processed.length;
  loop.checkpointer.applied(items.length);
  loop.store.caughtUpTo(loop.input.positions(), loop.input.labelPositions());
  countLabels(batch.labels, options.metrics);
  const checkpoint = loop.checkpointer.due() && loop.store.catchingUp === false ? loop.checkpointer.take(cutOf(loop), loop.watermark, loop.writer) : undefined;
  if (!(await settle(loop, options))) return;
  const withChangelog = checkpoint !== undefined && checkpoint.records.length > 0;
  const outputs = withChangelog ? [...batch.outputs, ...checkpoint.records] : batch.outputs;
  const positions = withChangelog ? withWriterFence(loop, options, batch.positions) : batch.positions;
  if (outputs.length === 0 && positions.length === 0) {
    checkpoint?.save();
    stopTimer?.();
    return;
  }
  const commit = loop.input.group.commitBatch(outputs, positions);
  loop.inFlight = { batch, commit, checkpoint, stopTimer };
  // Handled in settle(); this keeps an early failure from counting as unhandled meanwhile.
  commit.catch(() => undefined);
}

function cutOf(loop: Loop): { input: number[]; labels: number[] } {
  return { input: loop.input.positions(), labels: loop.input.labelPositions() };
}

/** With nothing to read, a checkpoint still falls due (a quiet stream after a burst): written on its own. */
async function checkpointAlone(loop: Loop, options: DetectorOptions): Promise<void> {
  if (loop.store.catchingUp || loop.rewind) return;
  const checkpoint = loop.checkpointer.take(cutOf(loop), loop.watermark, loop.writer);
  if (checkpoint.records.length === 0) {
    checkpoint.save();
    return;
  }
  const commit = loop.input.group.commitBatch(checkpoint.records, withWriterFence(loop, options, []));
  loop.inFlight = { batch: { outputs: [], positions: [], processed: [], labels: { applied: 0, unknown: 0, invalid: 0 } }, commit, checkpoint, stopTimer: undefined };
  commit.catch(() => undefined);
  await settle(loop, options);
}

/**
 * The changelog's records must be refused if this detector is no longer the group's
 * writer (a zombie's old state written after the new writer's): committing partition 0's
 * position with them puts the commit under the group generation's fence.
 */
function withWriterFence(loop: Loop, options: DetectorOptions, positions: PartitionPosition[]): PartitionPosition[] {
  if (positions.some((position) => position.partition === 0)) return positions;
  const position = loop.input.positions()[0] ?? 0;
  if (position < loop.input.decideFrom(0)) return positions; // still applying what was decided before: nothing to commit there
  return [...positions, { topic: options.inputTopic, partition: 0, offset: position }];
}

/**
 * Waits for the batch in flight. Committed: counted and reported, its checkpoint saved.
 * Not committed: its records will be read again (here, or by the partitions' new owner),
 * so the state goes back to the last checkpoint. False when it failed.
 */
async function settle(loop: Loop, options: DetectorOptions): Promise<boolean> {
  const inFlight = loop.inFlight;
  if (!inFlight) return true;
  loop.inFlight = undefined;
  const { batch } = inFlight;
  try {
    await inFlight.commit;
  } catch (error) {
    await rewind(loop, options, 'a commit failed');
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
  inFlight.checkpoint?.save();
  inFlight.stopTimer?.();
  loop.totals.batches++;
  options.metrics?.batches.inc({ result: 'committed' });
  options.health?.committed();
  count(batch.processed, loop.totals, options.metrics);
  options.metrics?.stateEntities.set(loop.store.size);
  options.metrics?.stateBytes.set(loop.store.bytes);
  options.onCommitted?.(batch.processed);
  return true;
}

/**
 * Back to the last durable checkpoint, and the input from its position: what was applied
 * since is applied again, once. An owned partition whose committed offset is before the
 * checkpoint (taken over from a detector that lagged behind this one) has its records
 * from there decided on the state as it is, without applying them twice: late decisions.
 */
async function rewind(loop: Loop, options: DetectorOptions, reason: string): Promise<void> {
  // Pending until done: if a read below fails (the log is unavailable), the next turn
  // rewinds again before it reads anything. A rewind left half done (the state back at the
  // checkpoint, the input going on from where it was) would skip what was read since.
  loop.rewind = reason;
  await loop.checkpointer.settled();
  await loop.input.refreshDecideFrom();
  loop.store.rewind();
  const positions = [...loop.checkpointer.lastCut.input];
  const appliedBelow: number[] = [];
  let late = 0;
  for (const partition of loop.input.owned()) {
    const decideFrom = loop.input.decideFrom(partition);
    const cut = positions[partition] ?? 0;
    if (decideFrom >= cut) continue;
    positions[partition] = decideFrom;
    appliedBelow[partition] = cut;
    late += cut - decideFrom;
  }
  loop.store.setAppliedBelow(appliedBelow);
  loop.input.start(positions, loop.checkpointer.lastCut.labels);
  loop.rewind = undefined;
  options.metrics?.stateRewinds.inc({ reason });
  if (late > 0) {
    options.metrics?.lateDecisions.inc(late);
    options.logger.warn({ records: late }, 'records decided on a state already past them: their partitions came from a detector behind this one');
  }
  options.logger.info({ reason, to: positions }, 'state rewound to the last checkpoint');
}

function countLabels(labels: BatchResult['labels'], metrics: Metrics | undefined): void {
  if (!metrics) return;
  if (labels.applied > 0) metrics.labels.inc({ outcome: 'applied' }, labels.applied);
  if (labels.unknown > 0) metrics.labels.inc({ outcome: 'unknown-transaction' }, labels.unknown);
  if (labels.invalid > 0) metrics.labels.inc({ outcome: 'invalid' }, labels.invalid);
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
