import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { describeLogConformance } from './conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'fraud-embedded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describeLogConformance('embedded SQLite log', {
  open: async () => openEmbeddedLog({ dataDir: dir, heartbeatIntervalMs: 100 }),
});

test('a consumer wakes when another process appends, not when its poll timer fires', async () => {
  const shared = mkdtempSync(join(tmpdir(), 'fraud-embedded-wake-'));
  // Two logs over one file are two connections, as two processes have: A's consumer learns
  // of B's append only from the file. Its poll timer is a minute; the wait must end long before.
  const reader = openEmbeddedLog({ dataDir: shared, idleCheckMs: 60_000 });
  const writer = openEmbeddedLog({ dataDir: shared });
  try {
    await reader.ensureTopics([{ name: 'wake', partitions: 1 }]);
    const consumer = await reader.createConsumer({ topics: ['wake'], manual: true, startFrom: 'earliest' });
    consumer.seek([{ topic: 'wake', partition: 0, offset: 0 }]);
    const started = Date.now();
    const polled = consumer.poll({ maxRecords: 10, maxWaitMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const producer = await writer.createProducer();
    await producer.send([{ topic: 'wake', partition: 0, value: 'hello' }]);
    const records = await polled;
    assert.deepEqual(records.map((record) => String(record.value)), ['hello']);
    assert.ok(Date.now() - started < 10_000, `woken after ${Date.now() - started} ms: by the timer, not by the append`);
    await producer.close();
    await consumer.close();
  } finally {
    await writer.close();
    await reader.close();
    rmSync(shared, { recursive: true, force: true });
  }
});
