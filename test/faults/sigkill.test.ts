import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { produceItems } from '../../src/generator/producer.ts';
import type { Log } from '../../src/log/types.ts';
import { startFraud } from '../helpers/cli.ts';
import { waitForProgress } from '../helpers/group.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { idsOf, readAll } from '../helpers/log.ts';
import { formatTally, pipelineArgs, pipelineEnv, readDecisionsWhenVisible, tally, type PipelineTopics } from '../helpers/pipeline.ts';
import { FAULTS_SCALE, faultTimeout } from './scale.ts';
import { openKafkaPipeline } from '../helpers/kafka-pipeline.ts';

const PARTITIONS = 6;

async function produceInputs(log: Log, topics: PipelineTopics, total: number): Promise<string[]> {
  const producer = await log.createProducer();
  try {
    const items = generatedTraffic({ seed: 41, ratePerSecond: 200, startTime: Date.parse('2026-04-01T00:00:00Z') }, topics.transactions);
    assert.equal(await produceItems({ producer, items, rate: 0, count: total }, new AbortController().signal), total);
  } finally {
    await producer.close();
  }
  return idsOf(await readAll(log, topics.transactions));
}

interface Restart {
  killedAt: number;
  recoveryMs: number;
}

/**
 * Kills the detector with SIGKILL once progress passes each threshold, restarting it each
 * time; returns, per restart, the time from the new process's start to its first commit.
 */
async function killAndRestart(t: TestContext, start: () => ReturnType<typeof startFraud>, progress: () => Promise<number | undefined>, thresholds: number[]): Promise<{ restarts: Restart[]; last: ReturnType<typeof startFraud> }> {
  let detector = start();
  const restarts: Restart[] = [];
  for (const threshold of thresholds) {
    assert.ok((await waitForProgress(progress, threshold, 120_000, 50)) !== undefined, `reached ${threshold}: ${detector.output()}`);
    detector.child.kill('SIGKILL');
    assert.equal((await detector.exited).signal, 'SIGKILL');
    const killedAt = (await progress()) ?? threshold;
    const restarted = Date.now();
    detector = start();
    const recovered = await waitForProgress(progress, killedAt + 1, 120_000, 50);
    assert.ok(recovered !== undefined, `the restarted detector committed again: ${detector.output()}`);
    restarts.push({ killedAt, recoveryMs: Date.now() - restarted });
    t.diagnostic(`SIGKILL at ${killedAt} decided; restarted, committing again after ${(restarts.at(-1)?.recoveryMs ?? 0) / 1000} s`);
  }
  return { restarts, last: detector };
}

test(`SIGKILL of the detector ${FAULTS_SCALE.sigkills} times during ${FAULTS_SCALE.sigkillInputs} transactions on Kafka: each decided exactly once`, { timeout: faultTimeout(420_000), ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const total = FAULTS_SCALE.sigkillInputs;
  const { log, topics, groupId, watch } = await openKafkaPipeline(t, brokers, 'sigkill', PARTITIONS);
  const inputIds = await produceInputs(log, topics, total);
  assert.equal(inputIds.length, total);

  const started = Date.now();
  const args = ['detect', ...pipelineArgs(brokers, topics, PARTITIONS), '--group', groupId, '--batch-size', '200'];
  const start = (): ReturnType<typeof startFraud> => startFraud(t, args, pipelineEnv(topics));
  const progress = (): Promise<number | undefined> => watch.committed(groupId, topics.transactions);
  const thresholds = Array.from({ length: FAULTS_SCALE.sigkills }, (_, i) => Math.floor((total * (i + 1)) / (FAULTS_SCALE.sigkills + 2)));
  const { restarts, last } = await killAndRestart(t, start, progress, thresholds);
  assert.ok((await waitForProgress(progress, total, 180_000)) !== undefined, `all decided after the restarts: ${last.output()}`);
  last.child.kill('SIGTERM');
  assert.deepEqual(await last.exited, { code: 0, signal: null }, last.output());
  const elapsedMs = Date.now() - started;

  const figures = tally(inputIds, (await readDecisionsWhenVisible(log, topics, total)).map((decision) => decision.id));
  const deadLetters = (await readAll(log, topics.deadLetter)).length;
  const recoveries = restarts.map((restart) => (restart.recoveryMs / 1000).toFixed(1));
  t.diagnostic(`(a) SIGKILL x${restarts.length} [${FAULTS_SCALE.name}]: ${formatTally(figures)}, dead letters ${deadLetters}`);
  t.diagnostic(`(a) recovery after each restart (s): ${recoveries.join(', ')}; whole run ${(elapsedMs / 1000).toFixed(1)} s`);
  assert.equal(restarts.length, FAULTS_SCALE.sigkills);
  assert.deepEqual(figures, { inputs: total, outputs: total, unique: total, duplicates: 0, losses: 0 });
  assert.equal(deadLetters, 0);
});
