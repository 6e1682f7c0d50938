import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/util/sqlite.ts';
import { EMBEDDED_LOG_FILE, openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { Retention } from '../../src/log/embedded/retention.ts';
import { tempDir } from '../helpers/temp.ts';
import { describeRegistry } from './suite.ts';

const shared = mkdtempSync(join(tmpdir(), 'fraud-registry-'));
after(() => rmSync(shared, { recursive: true, force: true }));

describeRegistry('embedded SQLite log', { open: async () => openEmbeddedLog({ dataDir: shared, heartbeatIntervalMs: 100 }) });

test('the embedded log keeps a topic created to be kept forever (the audit trail) whatever the retention', async (t) => {
  const dataDir = tempDir(t);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  await log.ensureTopics([{ name: 'audit', partitions: 1, keepForever: true }, { name: 'events', partitions: 1 }]);
  const producer = await log.createProducer();
  await producer.send([{ topic: 'audit', value: 'kept' }, { topic: 'events', value: 'trimmed' }]);
  const db = openDatabase(join(dataDir, EMBEDDED_LOG_FILE));
  t.after(() => db.close());
  assert.equal(new Retention(db, { retentionMs: 1000 }).trim(Date.now() + 10_000), 1);
  assert.deepEqual((await log.partitionBounds('audit')).map((b) => [b.start, b.end]), [[0, 1]]);
  assert.deepEqual((await log.partitionBounds('events')).map((b) => [b.start, b.end]), [[1, 1]]);
});
