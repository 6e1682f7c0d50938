import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isFraudError } from '../../src/errors.ts';
import { partitionForKey } from '../../src/log/partitioner.ts';
import type { Log, LogConsumer, LogRecord, OutgoingRecord } from '../../src/log/types.ts';
import { randomTopic } from '../helpers/topics.ts';

export interface ConformanceTarget {
  /** Opens a log; called once per suite. */
  open: () => Promise<Log>;
  /** Extra options for describe(), e.g. a skip reason when no broker is around. */
  options?: { skip?: string; timeout?: number };
}

/**
 * What every implementation of the Log interface must do, run against the embedded log
 * and against Kafka alike (bullmq's one-suite-per-backend idea): the pipeline may rely on
 * exactly this and nothing more.
 */
export function describeLogConformance(name: string, target: ConformanceTarget): void {
  describe(`Log conformance: ${name}`, { timeout: 120_000, ...target.options }, () => {
    let log: Log;
    const consumers: LogConsumer[] = [];
    before(async () => {
      log = await target.open();
    });
    after(async () => {
      for (const consumer of consumers) await consumer.close().catch(() => undefined);
      await log?.close();
    });
    const track = (consumer: LogConsumer): LogConsumer => {
      consumers.push(consumer);
      return consumer;
    };

    async function topicWith(partitions: number): Promise<string> {
      const topic = randomTopic();
      await log.ensureTopics([{ name: topic, partitions }]);
      return topic;
    }

    async function drain(consumer: LogConsumer, expected: number, deadlineMs = 20_000): Promise<LogRecord[]> {
      const records: LogRecord[] = [];
      const deadline = Date.now() + deadlineMs;
      while (records.length < expected && Date.now() < deadline) {
        records.push(...(await consumer.poll({ maxRecords: 1000, maxWaitMs: 300 })));
      }
      return records;
    }

    test('creates topics with the partitions asked for, once', async () => {
      const topic = randomTopic();
      await log.ensureTopics([{ name: topic, partitions: 3 }]);
      await log.ensureTopics([{ name: topic, partitions: 3 }]);
      assert.ok((await log.listTopics()).includes(topic));
      const bounds = await log.partitionBounds(topic);
      assert.deepEqual(bounds.map((b) => [b.partition, b.start, b.end]), [[0, 0, 0], [1, 0, 0], [2, 0, 0]]);
    });

    test("keeps a key's records in one partition, the one Kafka's partitioner picks, in order", async () => {
      const topic = await topicWith(4);
      const producer = await log.createProducer();
      const keys = ['alice', 'bob', 'carol', 'dave', 'erin'];
      const records: OutgoingRecord[] = [];
      for (let i = 0; i < 20; i++) records.push({ topic, key: keys[i % keys.length], value: JSON.stringify({ i }) });
      await producer.send(records);
      await producer.close();
      const seen: LogRecord[] = [];
      for (let partition = 0; partition < 4; partition++) seen.push(...(await log.read({ topic, partition, from: 0, maxRecords: 100 })));
      assert.equal(seen.length, 20);
      for (const record of seen) {
        const key = record.key?.toString() ?? '';
        assert.equal(record.partition, partitionForKey(Buffer.from(key), 4), `partition of ${key}`);
      }
      for (const key of keys) {
        const order = seen.filter((r) => r.key?.toString() === key).map((r) => (JSON.parse(String(r.value)) as { i: number }).i);
        assert.deepEqual(order, [...order].sort((a, b) => a - b), `order of ${key}`);
      }
      const bounds = await log.partitionBounds(topic);
      assert.equal(bounds.reduce((sum, b) => sum + b.end - b.start, 0), 20);
    });

    test('gives offsets from 0 without gaps and keeps keys, values, headers and null values', async () => {
      const topic = await topicWith(1);
      const producer = await log.createProducer();
      await producer.send([
        { topic, key: 'k1', value: 'first', headers: { origin: 'test', n: '1' } },
        { topic, key: null, value: Buffer.from([0xff, 0x00, 0xfe]) },
        { topic, key: 'k3', value: null },
      ]);
      await producer.send([{ topic, key: 'k4', value: 'fourth' }]);
      await producer.close();
      const records = await log.read({ topic, partition: 0, from: 0, maxRecords: 10 });
      assert.deepEqual(records.map((r) => r.offset), [0, 1, 2, 3]);
      assert.equal(records[0]?.value?.toString(), 'first');
      assert.deepEqual(records[0]?.headers, { origin: 'test', n: '1' });
      assert.equal(records[0]?.key?.toString(), 'k1');
      assert.equal(records[1]?.key, null);
      assert.deepEqual([...(records[1]?.value ?? [])], [0xff, 0x00, 0xfe]);
      assert.equal(records[2]?.value, null);
      assert.ok(Math.abs((records[3]?.timestamp ?? 0) - Date.now()) < 60_000, 'timestamp is the append time');
      assert.deepEqual((await log.read({ topic, partition: 0, from: 2, maxRecords: 1 })).map((r) => r.offset), [2]);
    });

    test('spreads records without a key over the partitions', async () => {
      const topic = await topicWith(3);
      const producer = await log.createProducer();
      for (let i = 0; i < 12; i++) await producer.send([{ topic, value: `v${i}` }]);
      await producer.close();
      const used = (await log.partitionBounds(topic)).filter((b) => b.end > b.start).length;
      assert.ok(used > 1, `unkeyed records used ${used} partition(s)`);
    });

    test('a consumer without a group reads every partition from the earliest record', async () => {
      const topic = await topicWith(3);
      const producer = await log.createProducer();
      await producer.send(Array.from({ length: 30 }, (_, i) => ({ topic, key: `k${i}`, value: String(i) })));
      await producer.close();
      const consumer = track(await log.createConsumer({ topics: [topic], startFrom: 'earliest' }));
      const records = await drain(consumer, 30);
      assert.equal(records.length, 30);
      assert.deepEqual(new Set(records.map((r) => Number(r.value?.toString()))).size, 30);
      for (let partition = 0; partition < 3; partition++) {
        const offsets = records.filter((r) => r.partition === partition).map((r) => r.offset);
        assert.deepEqual(offsets, offsets.map((_, i) => i), `partition ${partition} read in order`);
      }
      assert.equal(consumer.assignment().length, 3);
    });

    test("a consumer starting at 'latest' sees only what comes after it", async () => {
      const topic = await topicWith(2);
      const producer = await log.createProducer();
      await producer.send([{ topic, key: 'old', value: 'old' }]);
      const consumer = track(await log.createConsumer({ topics: [topic], startFrom: 'latest' }));
      assert.deepEqual(await consumer.poll({ maxRecords: 10, maxWaitMs: 1500 }), []);
      await producer.send([{ topic, key: 'new', value: 'new' }]);
      const records = await drain(consumer, 1);
      assert.deepEqual(records.map((r) => r.value?.toString()), ['new']);
      await producer.close();
    });

    test('a consumer with a tail starts that many records before the end of each partition', async () => {
      const topic = await topicWith(1);
      const producer = await log.createProducer();
      await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, value: String(i) })));
      await producer.close();
      const consumer = track(await log.createConsumer({ topics: [topic], tail: 3 }));
      const records = await drain(consumer, 3);
      assert.deepEqual(records.map((r) => r.value?.toString()), ['7', '8', '9']);
    });

    test('poll waits up to maxWaitMs when there is nothing, and wakes early for a new record', async () => {
      const topic = await topicWith(1);
      const consumer = track(await log.createConsumer({ topics: [topic], startFrom: 'earliest' }));
      await consumer.poll({ maxRecords: 1, maxWaitMs: 1000 }); // joins and settles the assignment
      const quiet = performance.now();
      assert.deepEqual(await consumer.poll({ maxRecords: 1, maxWaitMs: 400 }), []);
      assert.ok(performance.now() - quiet >= 300, 'waited before giving up');
      const producer = await log.createProducer();
      const waiting = consumer.poll({ maxRecords: 1, maxWaitMs: 10_000 });
      const sent = performance.now();
      await producer.send([{ topic, value: 'wake' }]);
      const records = await waiting;
      assert.equal(records[0]?.value?.toString(), 'wake');
      assert.ok(performance.now() - sent < 5000, 'woke before maxWaitMs');
      await producer.close();
    });

    test('a group resumes from its committed position', async () => {
      const topic = await topicWith(2);
      const groupId = randomTopic('g');
      const producer = await log.createProducer();
      await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, key: `k${i}`, value: String(i) })));
      const first = await log.createConsumer({ topics: [topic], groupId, startFrom: 'earliest' });
      const firstRecords = await drain(first, 10);
      assert.equal(firstRecords.length, 10);
      const positions = [0, 1].map((partition) => ({
        topic,
        partition,
        offset: Math.max(-1, ...firstRecords.filter((r) => r.partition === partition).map((r) => r.offset)) + 1,
      }));
      await first.commit(positions);
      const committed = await first.committed(positions);
      assert.deepEqual(
        committed.sort((a, b) => a.partition - b.partition).map((p) => p.offset),
        positions.map((p) => p.offset),
      );
      await first.close();
      await producer.send([{ topic, key: 'k-late', value: 'late' }]);
      await producer.close();
      const second = track(await log.createConsumer({ topics: [topic], groupId, startFrom: 'earliest' }));
      const secondRecords = await drain(second, 1);
      assert.deepEqual(secondRecords.map((r) => r.value?.toString()), ['late']);
    });

    test('commitBatch appends the outputs and commits the positions together', async () => {
      const input = await topicWith(1);
      const output = await topicWith(1);
      const groupId = randomTopic('g');
      const producer = await log.createProducer();
      await producer.send([{ topic: input, value: 'a' }, { topic: input, value: 'b' }]);
      await producer.close();
      const consumer = await log.createConsumer({ topics: [input], groupId, startFrom: 'earliest' });
      const records = await drain(consumer, 2);
      assert.equal(records.length, 2);
      await consumer.commitBatch(
        records.map((r) => ({ topic: output, key: r.key, value: `decided ${r.value?.toString()}` })),
        [{ topic: input, partition: 0, offset: 2 }],
      );
      await consumer.close();
      const outputs = await log.read({ topic: output, partition: 0, from: 0, maxRecords: 10 });
      assert.deepEqual(outputs.map((r) => r.value?.toString()), ['decided a', 'decided b']);
      const again = track(await log.createConsumer({ topics: [input], groupId, startFrom: 'earliest' }));
      assert.deepEqual(await again.poll({ maxRecords: 10, maxWaitMs: 1500 }), [], 'committed records are not read again');
      assert.deepEqual((await again.committed([{ topic: input, partition: 0 }])).map((p) => p.offset), [2]);
    });

    test('members of a group share the partitions and, committing as they go, decide each record once', async () => {
      const input = await topicWith(4);
      const output = await topicWith(1);
      const groupId = randomTopic('g');
      const total = 400;
      const producer = await log.createProducer();
      // Exactly once: at least once, Kafka may show a batch sent just before a rebalance twice, by design.
      const a = track(await log.createConsumer({ topics: [input], groupId, startFrom: 'earliest', exactlyOnce: true }));
      const b = track(await log.createConsumer({ topics: [input], groupId, startFrom: 'earliest', exactlyOnce: true }));
      const stop = new AbortController();
      const worker = async (consumer: LogConsumer): Promise<void> => {
        while (!stop.signal.aborted) {
          const records = await consumer.poll({ maxRecords: 20, maxWaitMs: 200, signal: stop.signal });
          if (records.length === 0) continue;
          const positions = new Map<number, number>();
          for (const r of records) positions.set(r.partition, Math.max(positions.get(r.partition) ?? 0, r.offset + 1));
          try {
            await consumer.commitBatch(
              records.map((r) => ({ topic: output, value: r.value })),
              [...positions].map(([partition, offset]) => ({ topic: input, partition, offset })),
            );
          } catch (error) {
            if (!isFraudError(error, 'FRAUD_LOG_FENCED')) throw error;
          }
        }
      };
      const running = [worker(a), worker(b)];
      for (let i = 0; i < total; i += 50) {
        await producer.send(Array.from({ length: 50 }, (_, j) => ({ topic: input, key: `acct-${(i + j) % 37}`, value: String(i + j) })));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await producer.close();
      const deadline = Date.now() + 60_000;
      let outputs: LogRecord[] = [];
      while (Date.now() < deadline) {
        outputs = await log.read({ topic: output, partition: 0, from: 0, maxRecords: 10_000 });
        if (outputs.length >= total) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 500)); // a late duplicate would show up now
      stop.abort();
      await Promise.all(running);
      outputs = await log.read({ topic: output, partition: 0, from: 0, maxRecords: 10_000 });
      const values = outputs.map((r) => r.value?.toString());
      assert.equal(new Set(values).size, total, 'every input decided');
      assert.equal(values.length, total, 'none decided twice');
      const owned = [...a.assignment(), ...b.assignment()].map((tp) => tp.partition).sort();
      assert.deepEqual(owned, [0, 1, 2, 3], 'the partitions are split between the two members');
      assert.ok(a.assignment().length > 0 && b.assignment().length > 0, 'both members own partitions');
    });

    test('tells the assignment listener before returning records of new partitions', async () => {
      const topic = await topicWith(2);
      const groupId = randomTopic('g');
      const producer = await log.createProducer();
      await producer.send([{ topic, key: 'x', value: '1' }]);
      await producer.close();
      const consumer = track(await log.createConsumer({ topics: [topic], groupId, startFrom: 'earliest' }));
      const assigned: number[] = [];
      consumer.onAssignmentChange((change) => {
        assigned.push(...change.assigned.map((tp) => tp.partition));
      });
      const records = await drain(consumer, 1);
      assert.equal(records.length, 1);
      assert.deepEqual(assigned.sort(), [0, 1]);
    });

    test('rewind reads the records after the committed position again', async () => {
      const topic = await topicWith(1);
      const groupId = randomTopic('g');
      const producer = await log.createProducer();
      await producer.send(Array.from({ length: 6 }, (_, i) => ({ topic, value: String(i) })));
      await producer.close();
      const consumer = track(await log.createConsumer({ topics: [topic], groupId, startFrom: 'earliest', exactlyOnce: true }));
      const first = await drain(consumer, 6);
      await consumer.commit([{ topic, partition: 0, offset: 2 }]);
      consumer.rewind([{ topic, partition: 0 }]);
      const again = await drain(consumer, 4);
      assert.deepEqual(first.map((r) => r.value?.toString()), ['0', '1', '2', '3', '4', '5']);
      assert.deepEqual(again.map((r) => r.value?.toString()), ['2', '3', '4', '5']);
    });

    test('a manual consumer reads only the partitions seek names, from the offsets it gives, and says when it is caught up', async () => {
      const topic = await topicWith(3);
      const producer = await log.createProducer();
      await producer.send(Array.from({ length: 12 }, (_, i) => ({ topic, value: String(i), partition: i % 3 })));
      await producer.close();
      const consumer = track(await log.createConsumer({ topics: [topic], manual: true, startFrom: 'earliest' }));
      assert.deepEqual(await consumer.poll({ maxRecords: 100, maxWaitMs: 200 }), [], 'nothing before seek');
      consumer.seek([{ topic, partition: 1, offset: 2 }, { topic, partition: 2, offset: 0 }]);
      const read = await drain(consumer, 6);
      assert.deepEqual(read.filter((r) => r.partition === 1).map((r) => r.offset), [2, 3]);
      assert.deepEqual(read.filter((r) => r.partition === 2).map((r) => r.offset), [0, 1, 2, 3]);
      assert.equal(read.filter((r) => r.partition === 0).length, 0);
      let caughtUp = false;
      for (let i = 0; i < 20 && !caughtUp; i++) {
        await consumer.poll({ maxRecords: 100, maxWaitMs: 100 });
        caughtUp = consumer.caughtUp({ topic, partition: 1 }) && consumer.caughtUp({ topic, partition: 2 });
      }
      assert.ok(caughtUp, 'both partitions read to their end');
      assert.equal(consumer.caughtUp({ topic, partition: 0 }), false, 'a partition not read is not caught up');
      consumer.seek([{ topic, partition: 1, offset: 0 }]);
      assert.equal(consumer.caughtUp({ topic, partition: 1 }), false, 'a seek starts over');
      consumer.release([{ topic, partition: 2 }]);
      const again = await drain(consumer, 4);
      assert.deepEqual(again.map((r) => [r.partition, r.offset]), [[1, 0], [1, 1], [1, 2], [1, 3]]);
      assert.deepEqual(await consumer.poll({ maxRecords: 1, maxWaitMs: 0, only: [{ topic, partition: 2 }] }), [], 'released');
    });

    test("a group member's seek moves an assigned partition, and poll with `only` takes from the partitions named", async () => {
      const topic = await topicWith(2);
      const producer = await log.createProducer();
      await producer.send(Array.from({ length: 8 }, (_, i) => ({ topic, value: String(i), partition: i % 2 })));
      await producer.close();
      const consumer = track(await log.createConsumer({ topics: [topic], groupId: randomTopic('g'), startFrom: 'earliest', exactlyOnce: true }));
      const all = await drain(consumer, 8);
      assert.equal(all.length, 8);
      consumer.seek([{ topic, partition: 0, offset: 1 }, { topic, partition: 1, offset: 3 }]);
      const only = await drain({ ...consumer, poll: (options) => consumer.poll({ ...options, only: [{ topic, partition: 0 }] }) } as LogConsumer, 3);
      assert.deepEqual(only.map((r) => [r.partition, r.offset]), [[0, 1], [0, 2], [0, 3]]);
      const rest = await drain(consumer, 1);
      assert.deepEqual(rest.map((r) => [r.partition, r.offset]), [[1, 3]]);
    });

    test('refuses to work once closed', async () => {
      const closing = await target.open();
      await closing.close();
      await assert.rejects(closing.createProducer(), (error) => isFraudError(error, 'FRAUD_LOG_CLOSED'));
    });
  });
}
