import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { produceItems } from '../../src/generator/producer.ts';
import type { Log } from '../../src/log/types.ts';
import { startFraud } from '../helpers/cli.ts';
import { awaitNoUnderReplicated, waitFor, type TestCluster } from '../helpers/cluster.ts';
import { openKafkaPipeline } from '../helpers/kafka-pipeline.ts';
import { findHanging, startConsoleConsumer, type ConsoleConsumerRun, type HangingTransaction } from '../helpers/kafka-java.ts';
import { readAll } from '../helpers/log.ts';
import { pipelineArgs, pipelineEnv, type PipelineTopics } from '../helpers/pipeline.ts';
import { randomTopic } from '../helpers/topics.ts';
import { checkView, describeView, parseOutput, type InputRecord, type ViewCheck } from './checks.ts';
import { DetectorFleet, logEvents } from './detectors.ts';
import { GroupProgress, totalOf, type Snapshot } from './progress.ts';

export const PARTITIONS = 6;
const DETECTORS = 3;
/** Kafka's copier aborts when `random.nextInt() % 3 == 0`: one transaction in three. */
const ABORT_RATIO = '0.3333';

export interface ScenarioSize {
  /**
   * Transactions at least: `backlog` of them are written before the detectors start, the
   * rest at `rate` per second while they work, until the faults are over and `inputs` are
   * in (so every fault strikes while input still arrives).
   */
  inputs: number;
  backlog: number;
  rate: number;
}

/** One fault as it happened: when, how far the work was, and how long the stream stalled. */
export interface FaultRecord {
  label: string;
  at: number;
  decidedAtFault: number;
  /** Input remained undecided when it struck (more was still to come): the fault overlapped the work. */
  overlapped: boolean;
  /** From the fault until every partition committed again; undefined: not within the bound. */
  recoveryMs: number | undefined;
  detail: string;
}

export interface FaultContext {
  cluster: TestCluster;
  detectors: DetectorFleet;
  progress: GroupProgress;
  /** The scenario's topics, for the under-replication waits. */
  topicNames: string[];
  /** The inputs the scenario writes at least. */
  total: number;
  /** Takes the baseline now; call `struck()` at the moment of the fault, `done(detail)` after. */
  fault(label: string): Promise<{ struck: () => void; done: (detail: string) => Promise<FaultRecord> }>;
}

export interface ScenarioReport {
  name: string;
  inputs: number;
  faults: FaultRecord[];
  concurrent: ViewCheck;
  fresh: ViewCheck;
  uncommittedOutputs: number;
  switchAborts: number;
  failedCommits: number;
  fencedBatches: number;
  hanging: HangingTransaction[];
  /** When each step ended, from the scenario's start. */
  phases: string[];
  elapsedMs: number;
}

/** How long the stream may stall after one fault before the test gives up on it. */
const RECOVERY_BOUND_MS = 180_000;

/**
 * Kafka's transactions system test with the detector as the copier: three detectors of
 * one group decide a stream exactly once through `faults`, while a read_committed console
 * consumer started before the faults reads the outputs; then a fresh one reads them again,
 * and both views must hold every input exactly once, in input order per partition.
 */
export async function runTransactionsScenario(
  t: TestContext,
  cluster: TestCluster,
  options: { name: string; size: ScenarioSize; seed: number; faults: (context: FaultContext) => Promise<FaultRecord[]> },
): Promise<ScenarioReport> {
  const began = Date.now();
  const { name, size } = options;
  const phases: string[] = [];
  const phase = (label: string): void => {
    phases.push(`${label} +${((Date.now() - began) / 1000).toFixed(0)} s`);
    t.diagnostic(`${name}: ${phases.at(-1) ?? ''}`); // shown even when a later step fails
  };
  const { log, topics, groupId, watch } = await openKafkaPipeline(t, cluster.brokers, `txn-${name}`, PARTITIONS);
  const topicNames = Object.values(topics);
  const args = pipelineArgs(cluster.brokers, topics, PARTITIONS);
  const env = pipelineEnv(topics);
  const progress = new GroupProgress({ watch, log, groupId, topic: topics.transactions });
  const log4jConfig = `${cluster.settings.kafkaDir}/broker-1/config/tools-log4j2.xml`;
  const include = outputsRegex(topics);

  await writeBacklog(log, topics.transactions, size.backlog, options.seed);
  phase('backlog written');
  const detectors = new DetectorFleet(t, [...args, '--group', groupId, '--batch-size', '250'], { ...env, FRAUD_TEST_ABORT_RATIO: ABORT_RATIO });
  detectors.start(DETECTORS);
  const live = startFraud(t, ['produce', ...args, '--count', String(size.inputs * 20), '--rate', String(size.rate), '--seed', String(options.seed + 1)], env);
  let inputComplete = false;
  void live.exited.then(() => (inputComplete = true));
  const produced = (): Promise<number> => progress.snapshotNow().then((snapshot) => totalOf(snapshot.ends));

  const concurrent = await startConsoleConsumer({ brokers: cluster.brokers, include, group: randomTopic('concurrent'), isolation: 'read_committed', log4jConfig });
  t.after(() => concurrent.stop());
  await waitFor(() => Promise.resolve(concurrent.records.length > 0), 180_000, () => `the concurrent consumer to read a first decision: ${concurrent.stderr().slice(-1500)} ${detectors.outputs().join('\n').slice(-3000)}`);

  const context: FaultContext = {
    cluster,
    detectors,
    progress,
    topicNames,
    total: size.inputs,
    fault: (label) => beginFault(label, progress, () => inputComplete),
  };
  phase('consumer up, faults begin');
  const struck = await options.faults(context);
  phase('faults done');

  await waitFor(async () => (await produced()) >= size.inputs, 600_000, `${size.inputs} transactions written`, 1_000);
  live.child.kill('SIGTERM');
  const stopped = await boundedWait(live.exited, 120_000, 'the live producer to stop');
  assert.deepEqual(stopped, { code: 0, signal: null }, `the producer stops cleanly: ${live.output().slice(-3000)}`);
  const total = await produced();
  const faults = struck.map((fault) => ({ ...fault, overlapped: fault.decidedAtFault < total }));
  phase('input complete');
  await awaitAllCommitted(progress, detectors);
  phase('all decided');
  const stops = await detectors.stopAll();
  for (const stop of stops) assert.deepEqual({ code: stop.code, signal: stop.signal }, { code: 0, signal: null }, `det-${stop.index} stops cleanly: ${lastLines(stop.output, 15)}`);

  phase('detectors stopped');
  await keepLogs(cluster, name, detectors.outputs());
  await drain(concurrent, total);
  phase('concurrent consumer drained');
  const [freshRun, uncommittedRun] = await Promise.all([
    readFresh({ brokers: cluster.brokers, include, group: randomTopic('fresh'), isolation: 'read_committed', log4jConfig }, total, () => outputBounds(log, topics)),
    readFresh({ brokers: cluster.brokers, include, group: randomTopic('uncommitted'), isolation: 'read_uncommitted', log4jConfig }, total, () => outputBounds(log, topics)),
  ]);
  await awaitNoUnderReplicated(cluster, topicNames);
  phase('fresh consumers done');
  const hanging = (await Promise.all([1, 2, 3].map((id) => findHanging(cluster.brokers, id, log4jConfig)))).flat();
  phase('find-hanging done');

  const inputs = await readInputs(log, topics);
  assert.equal(inputs.length, total, 'the input holds what the producers wrote');
  assert.equal(new Set(inputs.map((input) => input.id)).size, total, 'each transaction once: the producers wrote none twice');
  await assertOffsetsCommitted(progress);

  const outputs = detectors.outputs();
  return {
    name,
    inputs: total,
    faults,
    concurrent: checkView(inputs, concurrent.records.map((record) => parseOutput(record.value, record.partition, record.offset))),
    fresh: checkView(inputs, freshRun.records.map((record) => parseOutput(record.value, record.partition, record.offset))),
    uncommittedOutputs: uncommittedRun.records.length,
    switchAborts: logEvents(outputs, /aborted by the test switch/).length,
    failedCommits: logEvents(outputs, /the log is unavailable: retrying/).length,
    fencedBatches: logEvents(outputs, /partitions moved to another detector/).length,
    hanging,
    phases,
    elapsedMs: Date.now() - began,
  };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** With FRAUD_TEST_KEEP_CLUSTER=1, each detector process's output beside the kept nodes' logs. */
async function keepLogs(cluster: TestCluster, name: string, outputs: string[]): Promise<void> {
  if (process.env.FRAUD_TEST_KEEP_CLUSTER !== '1') return;
  const dir = join(cluster.settings.kafkaDir, 'detector-logs');
  await mkdir(dir, { recursive: true });
  await Promise.all(outputs.map((output, i) => writeFile(join(dir, `${name}-${i}.log`), output)));
}

/** Transactions in the input before any detector runs, written by this process (one process start less). */
async function writeBacklog(log: Log, topic: string, count: number, seed: number): Promise<void> {
  const producer = await log.createProducer();
  try {
    const items = generatedTraffic({ seed, ratePerSecond: 200, startTime: Date.now() - 3_600_000 }, topic);
    assert.equal(await produceItems({ producer, items, rate: 0, count }, new AbortController().signal), count);
  } finally {
    await producer.close();
  }
}

/** The three output topics as a Java regex, for --include. */
function outputsRegex(topics: PipelineTopics): string {
  const quote = (name: string): string => name.replace(/[.\\-]/g, (char) => `\\${char}`);
  return `^(${[topics.legit, topics.fraud, topics.deadLetter].map(quote).join('|')})$`;
}

async function beginFault(label: string, progress: GroupProgress, inputComplete: () => boolean): Promise<{ struck: () => void; done: (detail: string) => Promise<FaultRecord> }> {
  const baseline: Snapshot = await progress.snapshotNow();
  let at = Date.now();
  let recovery: Promise<number | undefined> | undefined;
  return {
    struck: () => {
      at = Date.now();
      recovery = progress.recovery(at, baseline, inputComplete, RECOVERY_BOUND_MS);
    },
    done: async (detail) => {
      const recoveryMs = await (recovery ?? Promise.resolve(undefined));
      const decidedAtFault = totalOf(baseline.committed);
      // Overlap is settled once the input is complete (runTransactionsScenario); until then more is to come.
      return { label, at, decidedAtFault, overlapped: !inputComplete(), recoveryMs, detail };
    },
  };
}

async function boundedWait<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Until the group's committed offsets reach the input's ends on every partition. */
async function awaitAllCommitted(progress: GroupProgress, detectors: DetectorFleet): Promise<void> {
  let last: Snapshot | undefined;
  await waitFor(
    async () => {
      last = await progress.snapshot();
      return last !== undefined && [...last.ends].every(([partition, end]) => (last?.committed.get(partition) ?? -1) === end);
    },
    300_000,
    () => `every input decided: committed ${JSON.stringify([...(last?.committed ?? [])])}, ends ${JSON.stringify([...(last?.ends ?? [])])}; ${detectors.outputs().map((output) => output.slice(-1500)).join('\n---\n')}`,
    500,
  );
}

/** The group's committed offsets equal the input's end offsets, partition by partition. */
async function assertOffsetsCommitted(progress: GroupProgress): Promise<void> {
  const snapshot = await progress.snapshotNow();
  assert.deepEqual(
    [...snapshot.committed].sort(([a], [b]) => a - b),
    [...snapshot.ends].sort(([a], [b]) => a - b),
    'the group committed offsets equal the input end offsets',
  );
}

/** Kafka's drain_consumer: until it has read at least `count`, then a moment for any extra, then stop. */
async function drain(consumer: ConsoleConsumerRun, count: number): Promise<void> {
  // Short of `count` after the wait, it stops anyway: the checks of its view below say
  // which decisions it lacks, beside what the fresh consumers and find-hanging saw.
  await waitFor(() => Promise.resolve(consumer.records.length >= count), 180_000, 'the concurrent consumer to read every decision', 500).catch(() => undefined);
  await sleep(3_000);
  await consumer.stop();
}

/**
 * A fresh consumer from the beginning, drained as Kafka's get_messages_from_topic does:
 * until it has read at least `count`, then until nothing new came for 5 s (an extra
 * record, a duplicate, would show), then stopped.
 */
async function readFresh(request: Parameters<typeof startConsoleConsumer>[0], count: number, bounds: () => Promise<string>): Promise<ConsoleConsumerRun> {
  const run = await startConsoleConsumer(request);
  try {
    const whole = await waitFor(() => Promise.resolve(run.records.length >= count), 180_000, 'a fresh consumer to read every output').then(
      () => true,
      () => false,
    );
    // Short: the checks of its view say which decisions it lacks (and find-hanging whether a transaction holds them back).
    if (!whole) {
      process.stderr.write(`a fresh ${request.isolation} consumer read ${run.records.length} of ${count}; output bounds ${await bounds()}; ${run.stderr().slice(-1500)}\n`);
      return run;
    }
    let seen = -1;
    await waitFor(async () => {
      const now = run.records.length;
      const quiet = now === seen;
      seen = now;
      return quiet;
    }, 60_000, 'the fresh consumer to go quiet', 5_000);
  } finally {
    await run.stop();
  }
  return run;
}

/** Each output partition's last stable offset (what read_committed readers may reach), for failure messages. */
async function outputBounds(log: Log, topics: PipelineTopics): Promise<string> {
  const parts: string[] = [];
  for (const topic of [topics.legit, topics.fraud, topics.deadLetter]) {
    try {
      parts.push(`${topic.split('.').at(-1) ?? topic} ${(await log.partitionBounds(topic)).map((b) => `${b.partition}:${b.start}-${b.end}`).join(' ')}`);
    } catch (error) {
      parts.push(`${topic}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return parts.join('; ');
}

async function readInputs(log: Log, topics: PipelineTopics): Promise<InputRecord[]> {
  return (await readAll(log, topics.transactions)).map((record) => ({
    id: (JSON.parse(String(record.value)) as { id: string }).id,
    partition: record.partition,
    offset: record.offset,
  }));
}

/** One line per fault and the totals, for t.diagnostic and the report. */
export function describeReport(report: ScenarioReport): string[] {
  const seconds = (ms: number | undefined): string => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  const lines = report.faults.map(
    (fault) => `${report.name}: ${fault.label} at ${fault.decidedAtFault}/${report.inputs} decided${fault.overlapped ? '' : ' (no input left)'}: recovery ${seconds(fault.recoveryMs)}; ${fault.detail}`,
  );
  lines.push(
    `${report.name}: inputs ${report.inputs}; ${describeView('concurrent read_committed', report.concurrent)}; ${describeView('fresh read_committed', report.fresh)}`,
    `${report.name}: ${report.phases.join(', ')}`,
    `${report.name}: transactions aborted by the switch ${report.switchAborts}, commits failed by the faults ${report.failedCommits}, batches fenced ${report.fencedBatches}; read_uncommitted sees ${report.uncommittedOutputs} outputs; hanging transactions ${report.hanging.length}; ${seconds(report.elapsedMs)} in all`,
  );
  return lines;
}

/** The checks of Kafka's tests, and ours, on one scenario. */
export function assertScenario(report: ScenarioReport): void {
  const clean = { duplicates: 0, losses: 0, extras: 0, outOfOrder: [] as string[] };
  // The fresh view first: whether the outputs are whole, before how a consumer that lived through the faults saw them.
  for (const [view, check] of [['fresh', report.fresh], ['concurrent', report.concurrent]] as const) {
    assert.deepEqual(
      { duplicates: check.duplicates, losses: check.losses, extras: check.extras, outOfOrder: check.outOfOrder.slice(0, 5) },
      clean,
      `${report.name}, ${view} consumer: ${describeView(view, check)}; ${check.examples.join('; ')}`,
    );
    assert.equal(check.outputs, report.inputs, `${report.name}, ${view} consumer: exactly one decision per input`);
  }
  assert.deepEqual(report.hanging.map((row) => row.line), [], `${report.name}: no hanging transactions`);
  assert.ok(report.faults.length > 0 && report.faults.some((fault) => fault.overlapped), `${report.name}: a fault struck while input remained`);
  for (const fault of report.faults) assert.ok(fault.recoveryMs !== undefined, `${report.name}: the stream recovered from ${fault.label}`);
  assert.ok(report.switchAborts > 0, `${report.name}: the test switch aborted transactions`);
  assert.ok(report.uncommittedOutputs > report.inputs, `${report.name}: aborted outputs exist (read_uncommitted sees ${report.uncommittedOutputs}) and read_committed consumers skipped them`);
}
