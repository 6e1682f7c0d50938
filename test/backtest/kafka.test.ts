import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { test } from 'node:test';
import type { BacktestReport } from '../../src/backtest/types.ts';
import { DEFAULT_RULES_FILE } from '../../src/detector/rules/load.ts';
import { feedStream } from '../../src/eval/feed.ts';
import { ScenarioStream } from '../../src/generator/scenarios/index.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import { clientOptions } from '../../src/log/kafka/options.ts';
import type { Log } from '../../src/log/types.ts';
import { runFraud } from '../helpers/cli.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';
import { aChangedRuleset, VELOCITY_3 } from './fixtures.ts';

async function feed(log: Log, topics: { transactions: string; labels: string }): Promise<void> {
  await log.ensureTopics([topics.transactions, topics.labels].map((name) => ({ name, partitions: 3 })));
  const stream = new ScenarioStream({ seed: 99, ratePerSecond: 50, startTime: Date.parse('2026-03-02T08:00:00Z'), customers: 800, mix: { 'velocity-burst': 40 } });
  await feedStream({ log, stream, count: 1000, topics, signal: new AbortController().signal });
}

test('on Kafka, the backtest reads the topics outside any group and reports as on the embedded log', kafkaTestOptions(), async (t) => {
  const brokers = requireKafka(t);
  const dir = tempDir(t);
  const topics = { transactions: randomTopic('bt-tx'), labels: randomTopic('bt-labels') };
  const kafka = await openKafkaLog({ brokers: brokers.split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
  t.after(() => kafka.close());
  const embedded = openEmbeddedLog({ dataDir: dir });
  t.after(() => embedded.close());
  await feed(kafka, topics);
  await feed(embedded, topics);
  const candidate = aChangedRuleset(dir, 'velocity-3', VELOCITY_3);
  const args = ['backtest', '--transactions-topic', topics.transactions, '--candidate', candidate, '--baseline', DEFAULT_RULES_FILE, '--json'];
  const env = { LABELS_TOPIC: topics.labels, RULES_TOPIC: randomTopic('bt-rules') };
  const onKafka = await runFraud([...args, '--brokers', brokers], { env });
  assert.equal(onKafka.code, 0, onKafka.stderr);
  const onEmbedded = await runFraud([...args, '--data-dir', dir], { env });
  assert.equal(onEmbedded.code, 0, onEmbedded.stderr);
  const [a, b] = [onKafka, onEmbedded].map((run) => JSON.parse(run.stdout) as BacktestReport);
  assert.ok(a && b);
  assert.ok(a.changed > 0);
  for (const key of ['transactions', 'changed', 'newlyFlagged', 'noLongerFlagged', 'byRule', 'byDay', 'truthOnlyLabels'] as const) assert.deepEqual(a[key], b[key], key);
  assert.deepEqual(a.baseline, b.baseline);
  // No consumer group read the topic: none has a position on it.
  const admin = new Admin(clientOptions({ brokers: brokers.split(','), clientId: 'fraud-test-groups', tls: false, connectTimeoutMs: 5_000 }, 'admin'));
  t.after(() => admin.close());
  const groups = [...(await admin.listGroups()).keys()];
  const offsets = groups.length === 0 ? [] : await admin.listConsumerGroupOffsets({ groups });
  assert.ok(!offsets.some((group) => group.topics.some((entry) => entry.name === topics.transactions || entry.name === topics.labels)), 'a group has positions on the backtested topics');
});
