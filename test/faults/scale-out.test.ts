import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector } from '../../src/detector/service.ts';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import type { Log } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { startFraud, type RunningFraud } from '../helpers/cli.ts';
import { GroupWatch, waitForProgress } from '../helpers/group.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { idsOf, readAll } from '../helpers/log.ts';
import { formatTally, pipelineArgs, pipelineEnv, pipelineSpecs, randomPipeline, readDecisions, tally, type Decided, type PipelineTopics } from '../helpers/pipeline.ts';
import { randomTopic } from '../helpers/topics.ts';
import { FAULTS_SCALE, faultTimeout } from './scale.ts';

const PARTITIONS = 6;

/** One detector, in this process, over the same input: the decisions an uninterrupted run makes. */
async function referenceRun(log: Log, input: string, total: number): Promise<Decided[]> {
  const topics = { ...randomPipeline('reference'), transactions: input };
  await log.ensureTopics([topics.legit, topics.fraud, topics.deadLetter].map((name) => ({ name, partitions: PARTITIONS })));
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const stop = new AbortController();
  const options = { log, inputTopic: input, outputs: topics, groupId: randomTopic('ref'), batchSize: 500, exactlyOnce: true, maxRecordBytes: 65_536, ruleset: () => ruleset, logger: silentLogger() };
  const running = runDetector(options, stop.signal);
  try {
    let decided: Decided[] = [];
    const deadline = Date.now() + 120_000;
    while (decided.length < total && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      decided = await readDecisions(log, topics);
    }
    return decided;
  } finally {
    stop.abort();
    await running;
  }
}

/** Decisions that differ between two runs, by transaction id. */
function differences(actual: Decided[], reference: Decided[]): string[] {
  const expected = new Map(reference.map((decision) => [decision.id, decision]));
  return actual.flatMap((decision) => {
    const other = expected.get(decision.id);
    if (!other) return [`${decision.id}: not in the reference run`];
    if (other.verdict === decision.verdict && other.score === decision.score) return [];
    return [`${decision.id}: ${decision.verdict}/${decision.score}, reference ${other.verdict}/${other.score}`];
  });
}

/** Runs the stream through 2, then 3, then 1 detector of one group; returns when all is decided. */
async function scaleThrough(t: TestContext, brokers: string, topics: PipelineTopics, total: number): Promise<{ steps: string[]; fenced: number }> {
  const groupId = randomTopic('g');
  const watch = new GroupWatch(brokers);
  t.after(() => watch.close());
  const progress = (): Promise<number | undefined> => watch.committed(groupId, topics.transactions);
  const args = ['detect', ...pipelineArgs(brokers, topics, PARTITIONS), '--group', groupId, '--log-level', 'info'];
  const start = (): RunningFraud => startFraud(t, args, pipelineEnv(topics));
  const detectors = [start(), start()];
  const producer = startFraud(t, ['produce', ...pipelineArgs(brokers, topics, PARTITIONS), '--scenarios', '--seed', '12', '--start-time', '2026-05-04T08:00:00Z', '--count', String(total), '--rate', String(FAULTS_SCALE.scaleOutRate)], pipelineEnv(topics));
  const steps: string[] = [];
  const began = Date.now();
  const at = async (label: string): Promise<number> => {
    const decided = (await progress()) ?? 0;
    steps.push(`${label} at ${decided} decided (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    return decided;
  };
  assert.ok((await waitForProgress(progress, Math.floor(total * 0.25), 120_000)) !== undefined, detectors.map((d) => d.output()).join('\n'));
  detectors.push(start());
  await at('2 -> 3 detectors');
  assert.ok((await waitForProgress(progress, Math.floor(total * 0.5), 120_000)) !== undefined);
  const left = await at('3 -> 1 detector');
  assert.ok(left < total, 'the last detector had work left');
  for (const leaving of detectors.slice(0, 2)) leaving.child.kill('SIGTERM');
  for (const leaving of detectors.slice(0, 2)) assert.deepEqual(await leaving.exited, { code: 0, signal: null }, leaving.output());
  assert.deepEqual(await producer.exited, { code: 0, signal: null }, producer.output());
  const last = detectors[2] as RunningFraud;
  assert.ok((await waitForProgress(progress, total, 120_000)) !== undefined, `all decided: ${last.output()}`);
  last.child.kill('SIGTERM');
  assert.deepEqual(await last.exited, { code: 0, signal: null }, last.output());
  const fenced = detectors.reduce((sum, detector) => sum + (detector.output().match(/batch dropped/g) ?? []).length, 0);
  return { steps, fenced };
}

test('detectors scale from 2 to 3 to 1 while the stream runs: nothing lost or doubled, the same decisions as one detector', { timeout: faultTimeout(300_000), ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const total = FAULTS_SCALE.scaleOutInputs;
  const topics = randomPipeline('scale');
  const log = await openKafkaLog({ brokers: brokers.split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
  t.after(() => log.close());
  await log.ensureTopics(pipelineSpecs(topics, PARTITIONS));
  const started = Date.now();
  const { steps, fenced } = await scaleThrough(t, brokers, topics, total);
  const scaledMs = Date.now() - started;

  const inputIds = idsOf(await readAll(log, topics.transactions));
  const decisions = await readDecisions(log, topics);
  const figures = tally(inputIds, decisions.map((decision) => decision.id));
  const reference = await referenceRun(log, topics.transactions, total);
  const differing = differences(decisions, reference);
  const flagged = decisions.filter((decision) => decision.verdict !== 'legit').length;
  t.diagnostic(`(c) scale-out 2 -> 3 -> 1 [${FAULTS_SCALE.name}]: ${formatTally(figures)}; ${steps.join(', ')}; ${fenced} batch(es) fenced; ${(scaledMs / 1000).toFixed(1)} s`);
  t.diagnostic(`(c) against one uninterrupted detector: ${decisions.length - differing.length} of ${decisions.length} decisions identical (verdict and score), ${flagged} flagged`);
  assert.deepEqual(figures, { inputs: total, outputs: total, unique: total, duplicates: 0, losses: 0 });
  assert.equal(reference.length, total, 'the reference run decided everything');
  assert.ok(flagged > 0, 'the scenarios made some decisions depend on the windows');
  assert.deepEqual(differing.slice(0, 20), [], `${differing.length} decision(s) differ from the reference run`);
});
