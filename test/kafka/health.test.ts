import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import type { LogRecord } from '../../src/log/types.ts';
import type { DetectorHealthReport } from '../../src/observability/health.ts';
import { sampleLag } from '../../src/observability/monitor.ts';
import { startFraud } from '../helpers/cli.ts';
import { waitForProgress } from '../helpers/group.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { eventually } from '../helpers/log.ts';
import { printedUrl } from '../helpers/processes.ts';
import { pipelineArgs, pipelineEnv } from '../helpers/pipeline.ts';
import { randomTopic } from '../helpers/topics.ts';
import { openKafkaPipeline } from '../helpers/kafka-pipeline.ts';

/** `name{labels} value` lines of a Prometheus text page, labels as written. */
function samples(page: string, name: string): Array<{ labels: string; value: number }> {
  return page
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const match = /^[^{ ]+(\{[^}]*\})? (\S+)$/.exec(line);
      return { labels: match?.[1] ?? '', value: Number(match?.[2]) };
    });
}

/** The lag series of every partition, transactions committed and none aborted, the one dead letter, the broker up. */
function checkMetrics(page: string, topic: string, partitions: number, records: number): { committed: number; aborted: number } {
  for (let partition = 0; partition < partitions; partition++) {
    assert.ok(samples(page, 'fraud_consumer_lag').some((s) => s.labels === `{topic="${topic}",partition="${partition}"}`), `partition ${partition}`);
  }
  const transactions = samples(page, 'fraud_kafka_transactions_total');
  const committed = transactions.find((s) => s.labels === '{result="committed"}')?.value ?? 0;
  const aborted = transactions.find((s) => s.labels === '{result="aborted"}')?.value ?? 0;
  assert.ok(committed >= 1 && committed <= records, `committed transactions: ${committed}`);
  assert.equal(aborted, 0);
  assert.deepEqual(samples(page, 'fraud_dead_letters_total'), [{ labels: '{error="NOT_JSON"}', value: 1 }]);
  assert.deepEqual(samples(page, 'fraud_log_up'), [{ labels: '', value: 1 }]);
  return { committed, aborted };
}

async function checkHealth(url: string, partitions: number): Promise<number> {
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  const report = (await health.json()) as DetectorHealthReport;
  assert.equal(report.ok, true);
  assert.equal(report.log.kind, 'kafka');
  assert.equal(report.detector.assignment.length, partitions);
  assert.equal(report.detector.totalLag, 0);
  assert.ok(report.detector.lastCommitAt !== null && Date.parse(report.detector.lastCommitAt) <= Date.now());
  return health.status;
}

test('fraud detect --metrics-port serves lag per partition, Kafka transactions and dead letters on /metrics, and /healthz', { timeout: 120_000, ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const partitions = 3;
  const { log, topics, groupId, watch } = await openKafkaPipeline(t, brokers, 'health', partitions);
  const producer = await log.createProducer();
  t.after(() => producer.close());
  const valid = Array.from({ length: 300 }, (_, i) => ({
    topic: topics.transactions,
    key: `acct-${i % 11}`,
    value: JSON.stringify({ source: `acct-${i % 11}`, target: `shop-${i}`, amount: 10 + i, currency: 'EUR' }),
  }));
  await producer.send([...valid, { topic: topics.transactions, key: 'x', value: 'not json' }]);

  const detector = startFraud(t, ['detect', ...pipelineArgs(brokers, topics, partitions), '--group', groupId, '--metrics-port', '0'], pipelineEnv(topics));
  const url = await printedUrl(detector);
  assert.ok((await waitForProgress(() => watch.committed(groupId, topics.transactions), valid.length + 1, 60_000)) !== undefined, detector.output());

  // Lag is sampled every 5 s: wait for a sample taken after the detector caught up.
  let page = '';
  const caughtUp = await eventually(async () => {
    page = await (await fetch(`${url}/metrics`)).text();
    const lag = samples(page, 'fraud_consumer_lag');
    return lag.length === partitions && lag.every((sample) => sample.value === 0);
  }, 20_000, 500);
  assert.ok(caughtUp, `a lag of 0 in each of the ${partitions} partitions:\n${samples(page, 'fraud_consumer_lag').map((s) => `${s.labels} ${s.value}`).join('\n')}`);
  const { committed, aborted } = checkMetrics(page, topics.transactions, partitions, valid.length + 1);
  const status = await checkHealth(url, partitions);
  t.diagnostic(`/metrics: ${committed} committed and ${aborted} aborted Kafka transactions, lag 0 in ${partitions} partitions; /healthz ${status}`);

  detector.child.kill('SIGTERM');
  assert.deepEqual(await detector.exited, { code: 0, signal: null }, detector.output());
});

test('lag on Kafka is the last stable offset minus the group position', { timeout: 60_000, ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const log = await openKafkaLog({ brokers: brokers.split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
  t.after(() => log.close());
  const topic = randomTopic('lag');
  await log.ensureTopics([{ name: topic, partitions: 2 }]);
  const producer = await log.createProducer();
  await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, value: `v${i}`, partition: i % 2 })));
  await producer.close();
  const consumer = await log.createConsumer({ topics: [topic], groupId: randomTopic('g'), startFrom: 'earliest', exactlyOnce: true });
  t.after(() => consumer.close());
  const records: LogRecord[] = [];
  assert.ok(await eventually(async () => (records.push(...(await consumer.poll({ maxRecords: 10, maxWaitMs: 500 }))), records.length === 10), 20_000));
  const partitions = consumer.assignment();
  assert.deepEqual((await sampleLag(log, consumer, partitions)).map((entry) => entry.lag), [5, 5], 'nothing committed: all of it');
  await consumer.commitBatch([], [{ topic, partition: 0, offset: 3 }]);
  const expected = [
    { partition: 0, position: 3, end: 5, lag: 2 },
    { partition: 1, position: 0, end: 5, lag: 5 },
  ];
  // A transaction's offsets become readable a moment after its commit returns.
  let seen: unknown;
  const settled = await eventually(async () => {
    seen = (await sampleLag(log, consumer, partitions)).map(({ partition, position, end, lag }) => ({ partition, position, end, lag }));
    return JSON.stringify(seen) === JSON.stringify(expected);
  }, 10_000, 200);
  assert.ok(settled, `lag after the commit: ${JSON.stringify(seen)}`);
});
