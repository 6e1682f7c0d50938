import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { changelogTopic, CUT_KEY } from '../../src/detector/state/changelog.ts';
import { decodeEntity } from '../../src/detector/state/codec.ts';
import { DEFAULT_LIMITS } from '../../src/detector/state/limits.ts';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import type { Log } from '../../src/log/types.ts';
import { runFraud, startFraud, type RunningFraud } from '../helpers/cli.ts';
import { GroupWatch, waitForProgress } from '../helpers/group.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { idsOf, readAll } from '../helpers/log.ts';
import { formatTally, pipelineArgs, pipelineEnv, pipelineSpecs, randomPipeline, readDecisions, tally, type PipelineTopics } from '../helpers/pipeline.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';
import { faultTimeout } from './scale.ts';

const PARTITIONS = 6;
const FULL = process.env.FRAUD_FAULTS_SCALE === 'full';
const TOTAL = FULL ? 100_000 : 12_000;

/** Every entity's events ever, from a group's changelog (the newest record of each key). */
async function entityCounts(log: Log, groupId: string): Promise<Map<string, number>> {
  const latest = new Map<string, Buffer | null>();
  for (const record of await readAll(log, changelogTopic(groupId))) {
    const key = record.key?.toString('utf8') ?? '';
    if (key !== CUT_KEY) latest.set(key, record.value);
  }
  const counts = new Map<string, number>();
  for (const [key, value] of latest) if (value) counts.set(key, decodeEntity(value, 0, DEFAULT_LIMITS.ringEvents).count);
  return counts;
}

/** A detector stopped with SIGTERM must have got far enough to handle it (its start-up logs the ruleset in force). */
async function startedUp(detector: RunningFraud): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!detector.output().includes('detector started') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

function detectArgs(brokers: string, topics: PipelineTopics, groupId: string, stateDir: string): string[] {
  return ['detect', ...pipelineArgs(brokers, topics, PARTITIONS), '--group', groupId, '--state-dir', stateDir, '--log-level', 'info'];
}

/** The whole input, already in the topic, through one group: 1 detector, then 3, three SIGKILLs and restarts, then 2. */
async function rebalanced(t: TestContext, brokers: string, topics: PipelineTopics, groupId: string, stateDir: string): Promise<{ steps: string[]; late: number }> {
  const watch = new GroupWatch(brokers);
  t.after(() => watch.close());
  const progress = (): Promise<number | undefined> => watch.committed(groupId, topics.transactions);
  // Checkpoints often: restarts restore one and replay a few thousand records.
  const env = { ...pipelineEnv(topics), FRAUD_STATE_CHECKPOINT_RECORDS: '3000' };
  const start = (slot: number): RunningFraud => startFraud(t, detectArgs(brokers, topics, groupId, join(stateDir, String(slot))), env);
  const detectors: RunningFraud[] = [start(0)];
  const steps: string[] = [];
  const began = Date.now();
  const step = async (label: string, share: number): Promise<void> => {
    const reached = await waitForProgress(progress, Math.floor(TOTAL * share), 240_000);
    assert.ok(reached !== undefined, `${label}: ${detectors.map((d) => d.output().slice(-1500)).join('\n---\n')}`);
    steps.push(`${label} at ${reached} decided (${((Date.now() - began) / 1000).toFixed(0)} s)`);
  };
  await step('1 -> 3 detectors', 0.15);
  detectors.push(start(1), start(2));
  for (const [round, share] of [0.3, 0.45, 0.6].entries()) {
    await step(`SIGKILL detector ${round}`, share);
    const victim = detectors[round] as RunningFraud;
    victim.child.kill('SIGKILL');
    await victim.exited;
    detectors[round] = start(round);
  }
  await step('3 -> 2 detectors', 0.75);
  const leaving = detectors.pop() as RunningFraud;
  await startedUp(leaving);
  leaving.child.kill('SIGTERM');
  assert.deepEqual(await leaving.exited, { code: 0, signal: null }, leaving.output().slice(-2000));
  await step('all decided', 1);
  const outputs = [leaving, ...detectors];
  for (const detector of detectors) {
    await startedUp(detector);
    detector.child.kill('SIGTERM');
    assert.deepEqual(await detector.exited, { code: 0, signal: null }, detector.output().slice(-2000));
  }
  const late = outputs.reduce((sum, detector) => sum + [...detector.output().matchAll(/"records":(\d+),"msg":"records decided on a state already past them/g)].reduce((n, m) => n + Number(m[1]), 0), 0);
  return { steps, late };
}

test(`1 -> 3 -> 2 detectors and three SIGKILLs over ${TOTAL} transactions: decisions and entity counts as one uninterrupted detector's`, { timeout: faultTimeout(900_000), ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const topics = randomPipeline('rebalance');
  const log = await openKafkaLog({ brokers: brokers.split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
  t.after(() => log.close());
  await log.ensureTopics(pipelineSpecs(topics, PARTITIONS));
  const produced = await runFraud(
    ['produce', ...pipelineArgs(brokers, topics, PARTITIONS), '--scenarios', '--seed', '21', '--start-time', '2026-05-04T08:00:00Z', '--count', String(TOTAL), '--rate', '0'],
    { env: pipelineEnv(topics), timeoutMs: 300_000 },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const stateDir = tempDir(t);

  // The reference: one detector, never interrupted, its own group and outputs.
  const reference = { ...randomPipeline('reference'), transactions: topics.transactions };
  await log.ensureTopics([reference.legit, reference.fraud, reference.deadLetter].map((name) => ({ name, partitions: PARTITIONS })));
  const referenceGroup = randomTopic('ref');
  const referenceRun = startFraud(t, detectArgs(brokers, reference, referenceGroup, join(stateDir, 'reference')), pipelineEnv(reference));
  const watch = new GroupWatch(brokers);
  t.after(() => watch.close());
  assert.ok((await waitForProgress(() => watch.committed(referenceGroup, topics.transactions), TOTAL, 300_000)) !== undefined, referenceRun.output().slice(-2000));
  referenceRun.child.kill('SIGTERM');
  assert.deepEqual(await referenceRun.exited, { code: 0, signal: null });

  const groupId = randomTopic('g');
  const { steps, late } = await rebalanced(t, brokers, topics, groupId, stateDir);

  const figures = tally(idsOf(await readAll(log, topics.transactions)), (await readDecisions(log, topics)).map((decision) => decision.id));
  const expected = new Map((await readDecisions(log, reference)).map((decision) => [decision.id, decision]));
  const decisions = await readDecisions(log, topics);
  const differing = decisions.filter((decision) => {
    const other = expected.get(decision.id);
    return !other || other.verdict !== decision.verdict || other.score !== decision.score;
  });
  const [referenceCounts, counts] = [await entityCounts(log, referenceGroup), await entityCounts(log, groupId)];
  const countDifferences = [...referenceCounts].filter(([key, count]) => counts.get(key) !== count).map(([key, count]) => `${key}: ${counts.get(key)} vs ${count}`);
  t.diagnostic(`1 -> 3 -> 2 [${FULL ? 'full' : 'ci'}]: ${formatTally(figures)}; ${steps.join(', ')}`);
  t.diagnostic(`against one uninterrupted detector: ${decisions.length - differing.length} of ${decisions.length} decisions identical, ${late} decided late (partitions taken over from a detector behind the state); entities ${counts.size} vs ${referenceCounts.size}, ${countDifferences.length} with another count of events`);
  assert.deepEqual(figures, { inputs: TOTAL, outputs: TOTAL, unique: TOTAL, duplicates: 0, losses: 0 });
  assert.equal(counts.size, referenceCounts.size, 'the same entities');
  assert.deepEqual(countDifferences.slice(0, 10), [], 'no event counted twice or lost');
  assert.ok(differing.length <= late, `${differing.length} decisions differ, ${late} were decided late: ${differing.slice(0, 5).map((d) => d.id).join(', ')}`);
});
