import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { startFraud, type RunningFraud } from '../helpers/cli.ts';
import { openKafkaPipeline } from '../helpers/kafka-pipeline.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { pipelineArgs, pipelineEnv, pipelineSpecs, randomPipeline } from '../helpers/pipeline.ts';
import { tempDir } from '../helpers/temp.ts';
import { assertDecidedOnce, kill, listeningApi, retryUntilDecided, sendSpread, untilDeciding, type Sent } from './traffic.ts';

const REQUESTS = 240;
const PER_SECOND = 80;
// Long enough that a loaded machine still decides most requests in time; the kill makes the rest fall back.
const DEADLINE_MS = 2000;

function statuses(sent: Sent[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const item of sent) counts[item.status] = (counts[item.status] ?? 0) + 1;
  return counts;
}

test('embedded log: the detector SIGKILLed while requests are in flight, restarted; every accepted request decided exactly once', { timeout: 400_000 }, async (t) => {
  const dataDir = tempDir(t, 'fraud-api-kill-');
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  const topics = randomPipeline('apikill');
  await log.ensureTopics(pipelineSpecs(topics, 3));
  const api = await listeningApi(t, log, topics, DEADLINE_MS);
  const args = ['detect', '--data-dir', dataDir, '--log-level', 'warn', '--batch-size', '50', '--transactions-topic', topics.transactions, '--legit-topic', topics.legit, '--fraud-topic', topics.fraud, '--dead-letter-topic', topics.deadLetter];
  let detector: RunningFraud = startFraud(t, args, pipelineEnv(topics));
  await untilDeciding(api.url, 180_000);
  const sent = await sendSpread([api.url], REQUESTS, PER_SECOND, async (count) => {
    if (count !== REQUESTS / 3) return;
    await kill(detector);
    detector = startFraud(t, args, pipelineEnv(topics));
  });
  const first = statuses(sent);
  t.diagnostic(`answers while the detector was killed and restarted: ${JSON.stringify(first)}`);
  assert.deepEqual(Object.keys(first).filter((status) => status !== '200' && status !== '503'), [], 'only decisions and fallbacks');
  // Whether any request fell back depends on how fast the detector came back (often under
  // the deadline): counted above, not asserted. What must hold is below.
  await retryUntilDecided(sent, 120_000);
  const figures = await assertDecidedOnce(log, topics, sent);
  assert.deepEqual(figures, { decisions: REQUESTS, transactions: REQUESTS });
});

test('Kafka: two API instances, two detectors in one group, one SIGKILLed while requests are in flight; every accepted request decided exactly once', { timeout: 400_000, ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const { log, topics, groupId } = await openKafkaPipeline(t, brokers, 'apikill', 6);
  const second = await openKafkaPipeline(t, brokers, 'unused', 1); // its own clients for the second API instance
  const apis = [await listeningApi(t, log, topics, DEADLINE_MS), await listeningApi(t, second.log, topics, DEADLINE_MS)];
  const args = ['detect', ...pipelineArgs(brokers, topics, 6), '--group', groupId, '--batch-size', '50'];
  const detectors: RunningFraud[] = [startFraud(t, args, pipelineEnv(topics)), startFraud(t, args, pipelineEnv(topics))];
  for (const api of apis) await untilDeciding(api.url, 180_000);
  const sent = await sendSpread(apis.map((api) => api.url), REQUESTS, PER_SECOND, async (count) => {
    if (count !== REQUESTS / 3) return;
    await kill(detectors[0] as RunningFraud);
    detectors[0] = startFraud(t, args, pipelineEnv(topics));
  });
  const first = statuses(sent);
  t.diagnostic(`answers while one detector was killed and restarted: ${JSON.stringify(first)}`);
  assert.deepEqual(Object.keys(first).filter((status) => status !== '200' && status !== '503'), [], 'only decisions and fallbacks');
  assert.ok((first[503] ?? 0) > 0, 'fallbacks while the partitions of the killed detector had no owner');
  await retryUntilDecided(sent, 120_000);
  const figures = await assertDecidedOnce(log, topics, sent);
  assert.deepEqual(figures, { decisions: REQUESTS, transactions: REQUESTS });
  for (const detector of detectors) assert.equal(detector.child.exitCode, null, `still running: ${detector.output()}`);
});
