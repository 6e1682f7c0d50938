import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { produceItems } from '../../src/generator/producer.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { startFraud } from '../helpers/cli.ts';
import { countRecords, eventually, idsOf, readAll } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';

const topics = ['queuing.legit', 'queuing.fraud', 'queuing.dead-letter'];

test('a detector killed with SIGKILL mid-stream and restarted decides every input exactly once', { timeout: 180_000 }, async (t) => {
  const dataDir = tempDir(t);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  await log.ensureTopics(['queuing.transactions', ...topics].map((name) => ({ name, partitions: 4 })));
  const total = 20_000;
  const producer = await log.createProducer();
  const items = generatedTraffic({ seed: 5, ratePerSecond: 100, startTime: Date.parse('2026-02-01T00:00:00Z') }, 'queuing.transactions');
  await produceItems({ producer, items, rate: 0, count: total }, new AbortController().signal);
  const decided = async () => {
    let sum = 0;
    for (const topic of topics) sum += await countRecords(log, topic);
    return sum;
  };
  const args = ['detect', '--data-dir', dataDir, '--batch-size', '50', '--log-level', 'warn', '--partitions', '4'];

  let kills = 0;
  for (const threshold of [2_000, 6_000, 11_000]) {
    const detector = startFraud(t, args);
    assert.ok(await eventually(async () => (await decided()) >= threshold, 60_000, 20), `reached ${threshold}`);
    detector.child.kill('SIGKILL');
    const exit = await detector.exited;
    assert.equal(exit.signal, 'SIGKILL');
    kills++;
  }
  const last = startFraud(t, args);
  assert.ok(await eventually(async () => (await decided()) >= total, 90_000), 'all decided after restarts');
  last.child.kill('SIGTERM');
  assert.deepEqual(await last.exited, { code: 0, signal: null }, `graceful stop: ${last.output()}`);

  const ids = [...idsOf(await readAll(log, 'queuing.legit')), ...idsOf(await readAll(log, 'queuing.fraud'))];
  assert.equal(kills, 3);
  assert.equal(ids.length + (await countRecords(log, 'queuing.dead-letter')), total, 'one output per input');
  assert.equal(new Set(ids).size, total, 'no input decided twice');
});

test('SIGTERM while deciding finishes the batch in flight, commits and exits 0', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  await log.ensureTopics(['queuing.transactions', ...topics].map((name) => ({ name, partitions: 2 })));
  const producer = await log.createProducer();
  const items = generatedTraffic({ seed: 6, ratePerSecond: 100, startTime: Date.parse('2026-02-01T00:00:00Z') }, 'queuing.transactions');
  await produceItems({ producer, items, rate: 0, count: 30_000 }, new AbortController().signal);
  const detector = startFraud(t, ['detect', '--data-dir', dataDir, '--batch-size', '100', '--log-level', 'warn', '--partitions', '2']);
  assert.ok(await eventually(async () => (await countRecords(log, 'queuing.legit')) > 1000, 30_000, 10));
  detector.child.kill('SIGTERM');
  assert.deepEqual(await detector.exited, { code: 0, signal: null });
  const decided = (await countRecords(log, 'queuing.legit')) + (await countRecords(log, 'queuing.fraud'));
  const consumer = await log.createConsumer({ topics: ['queuing.transactions'], groupId: 'fraud-detector' });
  const committed = await consumer.committed([0, 1].map((partition) => ({ topic: 'queuing.transactions', partition })));
  await consumer.close();
  assert.equal(committed.reduce((sum, p) => sum + p.offset, 0), decided, 'outputs match the committed positions exactly');
});
