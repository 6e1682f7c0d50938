import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector } from '../../src/detector/service.ts';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { produceItems } from '../../src/generator/producer.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { countRecords, eventually, idsOf, readAll } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';

const seedRules = loadRulesetFile(new URL('../../rules/seed.yaml', import.meta.url).pathname);

test('N transactions in, N decisions out: each exactly once, on the right topic', async (t) => {
  const log = openEmbeddedLog({ dataDir: tempDir(t) });
  t.after(() => log.close());
  const topics = { transactions: randomTopic('tx'), legit: randomTopic('legit'), fraud: randomTopic('fraud'), deadLetter: randomTopic('dlq') };
  await log.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 3 })));
  const total = 3000;
  const producer = await log.createProducer();
  const items = generatedTraffic({ seed: 11, ratePerSecond: 100, startTime: Date.parse('2026-01-01T00:00:00Z') }, topics.transactions);
  assert.equal(await produceItems({ producer, items, rate: 0, count: total }, new AbortController().signal), total);
  const invalid = ['nope', '{"source":"A"}', '[]'];
  await producer.send(invalid.map((value) => ({ topic: topics.transactions, value })));

  const stop = new AbortController();
  const running = runDetector(
    {
      log,
      inputTopic: topics.transactions,
      outputs: topics,
      groupId: randomTopic('g'),
      batchSize: 256,
      exactlyOnce: true,
      maxRecordBytes: 65_536,
      ruleset: () => seedRules,
      logger: silentLogger(),
    },
    stop.signal,
  );
  const outputsOf = async () =>
    (await countRecords(log, topics.legit)) + (await countRecords(log, topics.fraud)) + (await countRecords(log, topics.deadLetter));
  assert.ok(await eventually(async () => (await outputsOf()) >= total + invalid.length, 30_000), 'all decided in time');
  stop.abort();
  const totals = await running;

  const legit = await readAll(log, topics.legit);
  const fraud = await readAll(log, topics.fraud);
  const deadLetters = await readAll(log, topics.deadLetter);
  const ids = [...idsOf(legit), ...idsOf(fraud)];
  assert.equal(ids.length, total);
  assert.equal(new Set(ids).size, total, 'no transaction decided twice');
  assert.equal(deadLetters.length, invalid.length);
  assert.deepEqual(totals, { batches: totals.batches, decided: total, deadLetters: invalid.length, fencedBatches: 0, applied: 0 });
  for (const record of legit) assert.ok((JSON.parse(String(record.value)) as { amount: number }).amount < 900);
  for (const record of fraud) assert.ok((JSON.parse(String(record.value)) as { amount: number }).amount >= 900);
  assert.ok(fraud.length > 0, 'the stream had large payments');
});
