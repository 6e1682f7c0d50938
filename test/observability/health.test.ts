import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector } from '../../src/detector/service.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { DetectorHealth, type DetectorHealthReport } from '../../src/observability/health.ts';
import { startHealthServer } from '../../src/observability/health-server.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { sampleLag } from '../../src/observability/monitor.ts';
import { eventually } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';

const healthyLog = { kind: 'embedded' as const, ok: true, detail: 'test' };

test('the health report is unhealthy when the loop has not turned for too long, or the log is down', () => {
  let now = 1_000_000;
  const health = new DetectorHealth({ now: () => now, stuckAfterMs: 30_000 });
  assert.equal(health.report(healthyLog).ok, false, 'not running yet');
  health.started();
  health.turned();
  health.committed();
  assert.deepEqual(
    { ok: health.report(healthyLog).ok, stuck: health.stuck, lastCommitAt: health.report(healthyLog).detector.lastCommitAt },
    { ok: true, stuck: false, lastCommitAt: new Date(1_000_000).toISOString() },
  );
  assert.equal(health.report({ ...healthyLog, ok: false }).ok, false, 'the log is down');
  now += 30_001;
  assert.equal(health.stuck, true);
  assert.equal(health.report(healthyLog).ok, false, 'stuck');
  health.turned();
  assert.equal(health.report(healthyLog).ok, true, 'turning again');
  now += 30_001;
  health.retrying('FRAUD_KAFKA_UNAVAILABLE: away');
  assert.equal(health.stuck, false, 'retrying is turning');
  assert.equal(health.report(healthyLog).detector.retrying, 'FRAUD_KAFKA_UNAVAILABLE: away');
  health.turned();
  assert.equal(health.report(healthyLog).detector.retrying, null, 'a turn that goes through ends the retrying');
});

test('lag is the end of each partition minus the group position', async (t) => {
  const log = openEmbeddedLog({ dataDir: tempDir(t) });
  t.after(() => log.close());
  const topic = randomTopic('lag');
  await log.ensureTopics([{ name: topic, partitions: 2 }]);
  const producer = await log.createProducer();
  await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, value: `v${i}`, partition: i % 2 })));
  const consumer = await log.createConsumer({ topics: [topic], groupId: randomTopic('g'), startFrom: 'earliest' });
  t.after(() => consumer.close());
  const records = await consumer.poll({ maxRecords: 3, maxWaitMs: 1000 });
  const partitions = consumer.assignment();
  assert.deepEqual((await sampleLag(log, consumer, partitions)).map((entry) => entry.lag), [5, 5], 'nothing committed: all of it');
  const last = records.filter((record) => record.partition === 0).at(-1);
  assert.ok(last);
  await consumer.commit([{ topic, partition: 0, offset: last.offset + 1 }]);
  const lag = await sampleLag(log, consumer, partitions);
  assert.deepEqual(lag.map(({ partition, position, end, lag: behind }) => ({ partition, position, end, behind })), [
    { partition: 0, position: last.offset + 1, end: 5, behind: 5 - (last.offset + 1) },
    { partition: 1, position: 0, end: 5, behind: 5 },
  ]);
});

test('the detector health server answers /healthz and /metrics: lag per partition, dead letters, 503 once the log is gone', async (t) => {
  const log = openEmbeddedLog({ dataDir: tempDir(t) });
  const topics = { transactions: randomTopic('tx'), legit: randomTopic('legit'), fraud: randomTopic('fraud'), deadLetter: randomTopic('dlq') };
  await log.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 2 })));
  const producer = await log.createProducer();
  await producer.send([
    ...Array.from({ length: 20 }, (_, i) => ({ topic: topics.transactions, key: `a${i}`, value: JSON.stringify({ source: `a${i}`, target: 'm', amount: 5, currency: 'EUR' }) })),
    { topic: topics.transactions, key: 'bad', value: '{' },
  ]);
  const metrics = createMetrics(undefined, { processMetrics: false });
  const health = new DetectorHealth();
  const server = await startHealthServer({ host: '127.0.0.1', port: 0, log, health, metrics });
  t.after(() => server.close());
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const stop = new AbortController();
  const options = { log, inputTopic: topics.transactions, outputs: topics, groupId: randomTopic('g'), batchSize: 100, exactlyOnce: true, maxRecordBytes: 65_536, ruleset: () => ruleset, logger: silentLogger(), metrics, health };
  const running = runDetector(options, stop.signal);

  const lagLines = async (): Promise<string[]> => (await (await fetch(`${server.url}/metrics`)).text()).split('\n').filter((line) => line.startsWith('fraud_consumer_lag{'));
  assert.ok(await eventually(async () => (await lagLines()).length === 2 && (await lagLines()).every((line) => line.endsWith(' 0')), 15_000, 200), `lag 0 in both partitions: ${(await lagLines()).join(', ')}`);
  const page = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(page, /^fraud_dead_letters_total\{error="NOT_JSON"\} 1$/m);
  assert.match(page, /^fraud_log_up 1$/m);
  assert.doesNotMatch(page, /fraud_kafka_transactions_total\{/, 'no Kafka transactions on the embedded log');
  const healthy = await fetch(`${server.url}/healthz`);
  const report = (await healthy.json()) as DetectorHealthReport;
  assert.equal(healthy.status, 200);
  assert.deepEqual([report.ok, report.detector.assignment.length, report.detector.totalLag], [true, 2, 0]);
  assert.equal((await fetch(`${server.url}/nowhere`)).status, 404);

  stop.abort();
  await running;
  await log.close();
  const down = await fetch(`${server.url}/healthz`);
  assert.equal(down.status, 503, 'the detector stopped and the log is closed');
  assert.equal(((await down.json()) as DetectorHealthReport).log.ok, false);
});
