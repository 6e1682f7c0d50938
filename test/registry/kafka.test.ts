import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { openKafkaLog, type KafkaLogOptions } from '../../src/log/kafka/index.ts';
import { clientOptions } from '../../src/log/kafka/options.ts';
import { closeClient } from '../../src/log/kafka/producer.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { randomTopic } from '../helpers/topics.ts';
import { describeRegistry } from './suite.ts';

function options(): KafkaLogOptions {
  return { brokers: requireKafka().split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 };
}

describeRegistry('Kafka', { open: () => openKafkaLog(options()), options: kafkaTestOptions() });

test('on Kafka the audit topic is created with retention.ms=-1 and is not compacted', { ...kafkaTestOptions(), timeout: 30_000 }, async (t) => {
  const log = await openKafkaLog(options());
  t.after(() => log.close());
  const topic = randomTopic('audit');
  await log.ensureTopics([{ name: topic, partitions: 1, keepForever: true }]);
  const admin = new Admin(clientOptions(options(), 'test-admin'));
  t.after(() => closeClient(admin));
  const [described] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['retention.ms', 'cleanup.policy'] }] });
  const values = Object.fromEntries((described?.configs ?? []).map((config) => [config.name, config.value]));
  assert.deepEqual(values, { 'retention.ms': '-1', 'cleanup.policy': 'delete' });
});
