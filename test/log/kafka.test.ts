import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Consumer, IS_CONTROL, IS_TRANSACTIONAL, Producer, type RecordsBatch } from '@platformatic/kafka';
import { isFraudError } from '../../src/errors.ts';
import { openKafkaLog, type KafkaLogOptions } from '../../src/log/kafka/index.ts';
import { commitOffsetsInTransaction } from '../../src/log/kafka/offsets.ts';
import { closeClient } from '../../src/log/kafka/producer.ts';
import { clientOptions } from '../../src/log/kafka/options.ts';
import { createPartitioner, decodePartition } from '../../src/log/kafka/records.ts';
import { TransactionalCommitter } from '../../src/log/kafka/transactions.ts';
import { partitionForKey } from '../../src/log/partitioner.ts';
import { tempDir } from '../helpers/temp.ts';
import type { Log, LogConsumer, LogRecord, PartitionPosition } from '../../src/log/types.ts';
import { kafkaBrokers, kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { randomTopic } from '../helpers/topics.ts';
import { describeLogConformance } from './conformance.ts';

function testOptions(): KafkaLogOptions {
  return { brokers: requireKafka().split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 };
}

describeLogConformance('Kafka', { open: () => openKafkaLog(testOptions()), options: kafkaTestOptions() });

/** Polls until `expected` records came or the deadline passed. */
async function drain(consumer: LogConsumer, expected: number, deadlineMs = 20_000): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const deadline = Date.now() + deadlineMs;
  while (records.length < expected && Date.now() < deadline) records.push(...(await consumer.poll({ maxRecords: 1000, maxWaitMs: 300 })));
  return records;
}

/** Reads partition 0 of `topic` until `expected` records are visible (transaction markers land shortly after a commit). */
async function readUntil(log: Log, topic: string, expected: number, deadlineMs = 10_000): Promise<LogRecord[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const records = await log.read({ topic, partition: 0, from: 0, maxRecords: 10_000 });
    if (records.length >= expected || Date.now() >= deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Decides a batch: one output per record, then commitBatch. */
async function decide(consumer: LogConsumer, records: LogRecord[], output: string, label: string): Promise<void> {
  await consumer.commitBatch(records.map((r) => ({ topic: output, key: r.key, value: `${label} ${r.value?.toString()}` })), positionsAfter(records));
}

/** The next positions after `records`, one per partition. */
function positionsAfter(records: LogRecord[]): PartitionPosition[] {
  const next = new Map<string, PartitionPosition>();
  for (const r of records) next.set(`${r.topic}:${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
  return [...next.values()];
}

describe('Kafka log specifics', { timeout: 120_000, ...kafkaTestOptions() }, () => {
  let log: Log;
  const opened: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    log = await openKafkaLog(testOptions());
  });
  after(async () => {
    for (const client of opened) await client.close().catch(() => undefined);
    await log?.close();
  });

  async function topicWith(partitions: number): Promise<string> {
    const topic = randomTopic();
    await log.ensureTopics([{ name: topic, partitions }]);
    return topic;
  }

  async function consumerOf(topic: string, groupId: string): Promise<LogConsumer> {
    const consumer = await log.createConsumer({ topics: [topic], groupId, startFrom: 'earliest', exactlyOnce: true });
    opened.push(consumer);
    return consumer;
  }

  test('names the brokers it cannot reach', async () => {
    await assert.rejects(
      openKafkaLog({ brokers: ['127.0.0.1:1'], clientId: 'fraud-test', tls: false, connectTimeoutMs: 500 }),
      (error) => isFraudError(error, 'FRAUD_KAFKA_UNAVAILABLE') && error.message.includes('127.0.0.1:1'),
    );
  });

  test('reports its health from the brokers', async () => {
    const health = await log.health();
    assert.equal(health.kind, 'kafka');
    assert.equal(health.ok, true, health.detail);
    assert.match(health.detail, new RegExp(kafkaBrokers()?.split(',')[0] ?? 'none'));
  });

  test('with exactlyOnce, a failed batch leaves no output visible and its records are read again', async () => {
    const input = await topicWith(1);
    const output = await topicWith(1);
    const groupId = randomTopic('g');
    const producer = await log.createProducer();
    opened.push(producer);
    await producer.send([{ topic: input, key: 'a', value: 'one' }, { topic: input, key: 'b', value: 'two' }]);
    const consumer = await consumerOf(input, groupId);
    const records = await drain(consumer, 2);
    assert.equal(records.length, 2);
    const tooLarge = Buffer.alloc(2 * 1024 * 1024, 'x'); // above the broker's message.max.bytes (1 MB)
    await assert.rejects(
      consumer.commitBatch(
        [{ topic: output, key: 'a', value: 'decided one' }, { topic: output, key: 'b', value: tooLarge }],
        positionsAfter(records),
      ),
      (error) => isFraudError(error) && error.code !== 'FRAUD_LOG_FENCED',
    );
    assert.deepEqual(await log.read({ topic: output, partition: 0, from: 0, maxRecords: 10 }), [], 'nothing visible under read_committed');
    assert.deepEqual(await consumer.committed([{ topic: input, partition: 0 }]), [], 'no position committed');
    // The batch was not committed: its records come again, and the next batch commits.
    const again = await drain(consumer, 2);
    assert.deepEqual(again.map((r) => r.value?.toString()), ['one', 'two']);
    await decide(consumer, again, output, 'decided');
    const visible = await readUntil(log, output, 2);
    assert.deepEqual(visible.map((r) => r.value?.toString()), ['decided one', 'decided two'], 'only the committed batch is visible');
    assert.deepEqual(await consumer.committed([{ topic: input, partition: 0 }]), [{ topic: input, partition: 0, offset: 2 }]);
  });

  test('a zombie whose partitions moved to another member is fenced and its outputs never show', async () => {
    const input = await topicWith(2);
    const output = await topicWith(1);
    const groupId = randomTopic('g');
    const producer = await log.createProducer();
    opened.push(producer);
    await producer.send(Array.from({ length: 20 }, (_, i) => ({ topic: input, key: `k${i}`, value: String(i) })));
    const zombie = await consumerOf(input, groupId);
    const batch = await drain(zombie, 20);
    assert.equal(batch.length, 20);
    assert.equal(zombie.assignment().length, 2);

    // B joins: the group rebalances (A's client rejoins in the background) and B gets partitions.
    const owner = await consumerOf(input, groupId);
    const early: LogRecord[] = [];
    const deadline = Date.now() + 20_000;
    while (owner.assignment().length === 0 && Date.now() < deadline) early.push(...(await owner.poll({ maxRecords: 100, maxWaitMs: 200 })));
    const owned = owner.assignment();
    assert.ok(owned.length > 0, 'the new member owns partitions');

    await assert.rejects(decide(zombie, batch, output, 'zombie'), (error) => isFraudError(error, 'FRAUD_LOG_FENCED') && error.canRetry);
    assert.deepEqual(await owner.committed(owned), [], 'the zombie committed no position');

    // Both members now decide their own partitions, the old member from its committed (none: earliest) positions.
    if (early.length > 0) await decide(owner, early, output, 'owner');
    const stop = Date.now() + 20_000;
    let outputs: LogRecord[] = [];
    while (outputs.length < 20 && Date.now() < stop) {
      for (const [member, label] of [[owner, 'owner'], [zombie, 'member']] as const) {
        const records = await member.poll({ maxRecords: 100, maxWaitMs: 100 });
        if (records.length > 0) await decide(member, records, output, label);
      }
      outputs = await log.read({ topic: output, partition: 0, from: 0, maxRecords: 100 });
    }
    const values = outputs.map((r) => r.value?.toString() ?? '');
    assert.equal(values.filter((v) => v.startsWith('zombie')).length, 0, 'the zombie wrote nothing visible');
    assert.equal(new Set(values.map((v) => v.split(' ')[1])).size, 20, 'every input decided');
    assert.equal(values.length, 20, 'none decided twice');
  });

  // The test above is fenced before anything is sent (the zombie's client already rejoined).
  // Here the transaction itself carries the old generation, as when the group moves on while
  // the batch is in flight: the group coordinator refuses the TxnOffsetCommit (KIP-447).
  test('the group coordinator refuses a transaction carrying a stale generation, and it is aborted', async (t) => {
    const input = await topicWith(2);
    const output = await topicWith(1);
    const groupId = randomTopic('g');
    const zombie = new Consumer({ ...clientOptions(testOptions(), 'zombie'), groupId, autocommit: false });
    t.after(() => zombie.close(true));
    zombie.topics.trackAll(input);
    await zombie.joinGroup({ sessionTimeout: 10_000, rebalanceTimeout: 15_000, heartbeatInterval: 500 });
    const stale = { groupId, generationId: zombie.generationId, memberId: zombie.memberId ?? '' };
    const owner = await consumerOf(input, groupId);
    const deadline = Date.now() + 20_000;
    while (owner.assignment().length === 0 && Date.now() < deadline) await owner.poll({ maxRecords: 1, maxWaitMs: 200 });
    assert.ok(zombie.generationId > stale.generationId, 'the group moved to a new generation');

    const committer = new TransactionalCommitter(testOptions(), zombie, groupId);
    t.after(() => committer.close());
    await assert.rejects(
      committer.commit([{ topic: output, key: 'k', value: 'zombie' }], [{ topic: input, partition: 0, offset: 1 }], stale),
      (error) => isFraudError(error, 'FRAUD_LOG_FENCED') && /ILLEGAL_GENERATION/.test(error.message),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // abort markers land
    assert.deepEqual(await log.read({ topic: output, partition: 0, from: 0, maxRecords: 10 }), [], 'the aborted output is not visible');
    assert.deepEqual(await owner.committed([{ topic: input, partition: 0 }, { topic: input, partition: 1 }]), [], 'no offset committed');
  });
  // A commit whose answer was lost (the broker went away under it) may still complete:
  // reading the offsets from before it would decide its records a second time.
  test('committed offsets held by a transaction still open are waited for, never read as they stand', async (t) => {
    const input = await topicWith(1);
    const groupId = randomTopic('g');
    const transactionalId = randomTopic('holder');
    const holder = new Producer({ ...clientOptions(testOptions(), 'holder'), idempotent: true, transactionalId });
    const groupClient = new Consumer({ ...clientOptions(testOptions(), 'holder-group'), groupId, autocommit: false });
    t.after(async () => {
      await closeClient(holder);
      await closeClient(groupClient);
    });
    const open = await holder.beginTransaction();
    await open.addConsumer(groupClient);
    const identity = { transactionalId, producerId: holder.producerId ?? -1n, producerEpoch: holder.producerEpoch ?? -1 };
    // Generation -1 and no member: the group has no members yet, so the coordinator takes it.
    await commitOffsetsInTransaction(groupClient, identity, { groupId, generationId: -1, memberId: '' }, [{ topic: input, partition: 0, offset: 5 }]);

    const consumer = await log.createConsumer({ topics: [input], groupId, startFrom: 'earliest', exactlyOnce: true });
    opened.push(consumer);
    await assert.rejects(
      consumer.committed([{ topic: input, partition: 0 }]),
      (error) => isFraudError(error, 'FRAUD_KAFKA_UNAVAILABLE') && error.canRetry && /held by a transaction still open/.test(error.message),
      'not the offsets from before the transaction',
    );
    await open.commit();
    assert.deepEqual(await consumer.committed([{ topic: input, partition: 0 }]), [{ topic: input, partition: 0, offset: 5 }], 'the offsets the transaction committed');
  });

  // A producer killed between adding a partition to its transaction and writing to it leaves
  // an abort marker with no aborted range in fetch answers; the client's own filter threw on
  // it (found by the SIGKILL fault test).
  test('an aborted transaction that wrote nothing to a partition does not stop reading it, in a group or outside', async (t) => {
    const topic = await topicWith(1);
    const writer = (name: string): Producer => new Producer({ ...clientOptions(testOptions(), name), idempotent: true, transactionalId: randomTopic(name) });
    const [killed, other] = [writer('killed'), writer('other')];
    t.after(async () => {
      await closeClient(killed);
      await closeClient(other);
    });
    const write = async (producer: Producer, value: string, end: 'commit' | 'abort'): Promise<void> => {
      const transaction = await producer.beginTransaction();
      await transaction.send({ messages: [{ topic, partition: 0, value: Buffer.from(value) }] });
      await (end === 'commit' ? transaction.commit() : transaction.abort());
    };
    await write(other, 'before', 'commit');
    // Another producer's aborted records, so that the answer lists an aborted range...
    await write(other, 'aborted', 'abort');
    // ...and a marker of a transaction with no records on the partition.
    const empty = await killed.beginTransaction();
    await empty.addPartitions(await killed.metadata({ topics: [topic] }), [{ topic, partition: 0, value: Buffer.alloc(0) }]);
    await empty.abort();
    await write(other, 'after', 'commit');

    const visible = await readUntil(log, topic, 2);
    assert.deepEqual(visible.map((record) => record.value?.toString()), ['before', 'after']);
    const consumer = await consumerOf(topic, randomTopic('g'));
    assert.deepEqual((await drain(consumer, 2)).map((record) => record.value?.toString()), ['before', 'after']);
  });
});

describe('Kafka log pieces (no broker needed)', () => {
  test('maps SASL, TLS and the CA file to the client options', (t) => {
    const ca = `${tempDir(t)}/ca.pem`;
    writeFileSync(ca, 'not really a certificate');
    const options = clientOptions(
      { brokers: ['k1:9093'], clientId: 'app', tls: true, tlsCaFile: ca, connectTimeoutMs: 1234, sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' } },
      'consumer',
    );
    assert.equal(options.clientId, 'app-consumer');
    assert.deepEqual(options.bootstrapBrokers, ['k1:9093']);
    assert.equal(options.connectTimeout, 1234);
    assert.deepEqual(options.sasl, { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' });
    assert.equal(options.tls?.ca?.toString(), 'not really a certificate');
    assert.throws(
      () => clientOptions({ brokers: ['k1:9093'], clientId: 'app', tls: true, tlsCaFile: `${ca}.missing`, connectTimeoutMs: 1000 }, 'admin'),
      (error) => isFraudError(error, 'FRAUD_CONFIG_INVALID'),
    );
  });

  test("partitions keys as Java clients do and spreads records without a key", () => {
    const partitioner = createPartitioner();
    const context = { metadata: undefined };
    for (const key of ['alice', 'bob', '', 'acct-42']) {
      const buffer = Buffer.from(key);
      assert.equal(partitioner({ topic: 't', key: buffer }, buffer, context) % 6, partitionForKey(buffer, 6), key);
    }
    const used = new Set(Array.from({ length: 12 }, () => partitioner({ topic: 't' }, undefined, context) % 6));
    assert.equal(used.size, 6, 'round-robin over every partition');
  });

  test('drops aborted transactions, including several of one producer and one whose marker is not in the response', () => {
    const batches = [
      batch({ offset: 0, producerId: 1n, transactional: true, count: 2 }), // aborted (marker at 2)
      batch({ offset: 2, producerId: 1n, control: 'abort' }),
      batch({ offset: 3, producerId: 2n, count: 1 }), // not transactional: kept
      batch({ offset: 4, producerId: 1n, transactional: true, count: 2 }), // committed (marker at 6)
      batch({ offset: 6, producerId: 1n, control: 'commit' }),
      batch({ offset: 7, producerId: 1n, transactional: true, count: 1 }), // aborted again (marker at 8)
      batch({ offset: 8, producerId: 1n, control: 'abort' }),
      batch({ offset: 9, producerId: 3n, transactional: true, count: 2 }), // aborted, marker beyond this response
    ];
    const aborted = [{ producerId: 1n, firstOffset: 0n }, { producerId: 1n, firstOffset: 7n }, { producerId: 3n, firstOffset: 9n }];
    const decoded = decodePartition('t', partition(batches, aborted), 0);
    assert.deepEqual(decoded.records.map((r) => r.offset), [3, 4, 5]);
    assert.equal(decoded.nextOffset, 11, 'reading goes on past markers and aborted records');
    assert.deepEqual(decoded.records[1]?.headers, { h: 'v' });
  });
});

function batch(spec: { offset: number; producerId: bigint; transactional?: boolean; control?: 'abort' | 'commit'; count?: number }): RecordsBatch {
  const control = spec.control !== undefined;
  const key = (type: number): Buffer => Buffer.from([0, 0, 0, type]);
  const records = control
    ? [{ length: 0, attributes: 0, timestampDelta: 0n, offsetDelta: 0, key: key(spec.control === 'commit' ? 1 : 0), value: null, headers: [] }]
    : Array.from({ length: spec.count ?? 1 }, (_, i) => ({
        length: 0,
        attributes: 0,
        timestampDelta: BigInt(i),
        offsetDelta: i,
        key: null,
        value: Buffer.from(`v${spec.offset + i}`),
        headers: [[Buffer.from('h'), Buffer.from('v')]] as [Buffer, Buffer][],
      }));
  return {
    firstOffset: BigInt(spec.offset),
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes: (spec.transactional || control ? IS_TRANSACTIONAL : 0) | (control ? IS_CONTROL : 0),
    lastOffsetDelta: records.length - 1,
    firstTimestamp: 1_700_000_000_000n,
    maxTimestamp: 1_700_000_000_000n,
    producerId: spec.producerId,
    producerEpoch: 0,
    firstSequence: 0,
    records,
  };
}

function partition(records: RecordsBatch[], abortedTransactions: Array<{ producerId: bigint; firstOffset: bigint }>): Parameters<typeof decodePartition>[1] {
  return { partitionIndex: 0, errorCode: 0, highWatermark: 11n, lastStableOffset: 11n, logStartOffset: 0n, abortedTransactions, preferredReadReplica: -1, records };
}
