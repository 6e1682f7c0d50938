import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector } from '../../src/detector/service.ts';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { produceItems } from '../../src/generator/producer.ts';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { eventually, idsOf, readAll } from '../helpers/log.ts';
import { formatTally, pipelineSpecs, randomPipeline, readDecisions, tally } from '../helpers/pipeline.ts';
import { randomTopic } from '../helpers/topics.ts';

test('the whole pipeline in one process on Kafka with exactly-once: N in, N out, each once', { timeout: 180_000, ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const log = await openKafkaLog({ brokers: brokers.split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
  t.after(() => log.close());
  const topics = randomPipeline('inproc');
  await log.ensureTopics(pipelineSpecs(topics, 3));
  const total = 5_000;
  const producer = await log.createProducer();
  t.after(() => producer.close());
  const items = generatedTraffic({ seed: 17, ratePerSecond: 100, startTime: Date.parse('2026-03-01T00:00:00Z') }, topics.transactions);
  assert.equal(await produceItems({ producer, items, rate: 0, count: total }, new AbortController().signal), total);

  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const metrics = createMetrics(undefined, { processMetrics: false });
  const stop = new AbortController();
  const running = runDetector(
    {
      log,
      inputTopic: topics.transactions,
      outputs: topics,
      groupId: randomTopic('g'),
      batchSize: 500,
      exactlyOnce: true,
      maxRecordBytes: 65_536,
      ruleset: () => ruleset,
      logger: silentLogger(),
      metrics,
    },
    stop.signal,
  );
  t.after(async () => {
    stop.abort();
    await running.catch(() => undefined);
  });
  const decided = async (): Promise<number> => (await readDecisions(log, topics)).length;
  assert.ok(await eventually(async () => (await decided()) >= total, 120_000, 500), 'all decided in time');
  stop.abort();
  const totals = await running;

  const figures = tally(idsOf(await readAll(log, topics.transactions)), (await readDecisions(log, topics)).map((decision) => decision.id));
  const transactions = await metrics.kafkaTransactions.get();
  const committed = transactions.values.find((value) => value.labels.result === 'committed')?.value ?? 0;
  t.diagnostic(`in process: ${formatTally(figures)}; ${totals.batches} batches in ${committed} Kafka transactions`);
  assert.deepEqual(figures, { inputs: total, outputs: total, unique: total, duplicates: 0, losses: 0 });
  assert.deepEqual(totals, { batches: totals.batches, decided: total, deadLetters: 0, fencedBatches: 0, applied: totals.applied });
  assert.equal(committed, totals.batches, 'one Kafka transaction per committed batch');
});
