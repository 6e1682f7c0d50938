import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { EMBEDDED_LOG_FILE, openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { Retention } from '../../src/log/embedded/retention.ts';
import { openDatabase } from '../../src/util/sqlite.ts';
import { tempDir } from '../helpers/temp.ts';

test('retention deletes the records appended before the period, and offsets go on', async (t) => {
  const dataDir = tempDir(t);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  await log.ensureTopics([{ name: 'events', partitions: 1 }, { name: 'rules', partitions: 1, compacted: true }]);
  const producer = await log.createProducer();
  await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: 'events', value: `old-${i}` })));
  await producer.send([{ topic: 'rules', key: 'default', value: 'ruleset' }]);
  await new Promise((resolve) => setTimeout(resolve, 60));
  const keptFrom = Date.now();
  await producer.send(Array.from({ length: 5 }, (_, i) => ({ topic: 'events', value: `new-${i}` })));

  const db = openDatabase(join(dataDir, EMBEDDED_LOG_FILE));
  t.after(() => db.close());
  const removed = new Retention(db, { retentionMs: 1000, chunk: 3 }).trim(keptFrom + 1000 - 10);
  assert.equal(removed, 10);
  assert.deepEqual((await log.partitionBounds('events')).map((b) => [b.start, b.end]), [[10, 15]]);
  assert.equal((await log.read({ topic: 'rules', partition: 0, from: 0, maxRecords: 10 })).length, 1, 'compacted topics keep their records');
  const consumer = await log.createConsumer({ topics: ['events'], startFrom: 'earliest' });
  t.after(() => consumer.close());
  const records = await consumer.poll({ maxRecords: 100, maxWaitMs: 500 });
  assert.deepEqual(records.map((r) => r.value?.toString()), ['new-0', 'new-1', 'new-2', 'new-3', 'new-4']);
  await producer.send([{ topic: 'events', value: 'later' }]);
  assert.deepEqual((await log.partitionBounds('events')).map((b) => b.end), [16], 'offsets are never reused');
  assert.equal(new Retention(db, { retentionMs: 1000 }).trim(keptFrom), 0, 'nothing more to trim');
});
