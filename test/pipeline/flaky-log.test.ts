import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FraudError } from '../../src/errors.ts';
import { loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector } from '../../src/detector/service.ts';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { produceItems } from '../../src/generator/producer.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import type { Log, LogConsumer } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { countRecords, eventually, idsOf, readAll } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';

const seedRules = loadRulesetFile(new URL('../../rules/seed.yaml', import.meta.url).pathname);

const unavailable = (what: string): FraudError => new FraudError('FRAUD_LOG_IO', `${what}: the log is unavailable (test)`, { canRetry: true });

/**
 * The group consumer of `log`, with the log unavailable at the worst moments: every
 * `every`-th batch commit fails, and so does the next read of committed offsets (the
 * one the detector's rewind makes after the failed commit). As a broker failover does.
 */
function flakyLog(log: Log, every: number): { log: Log; failures: () => number } {
  let commits = 0;
  let failures = 0;
  let failNextRead = false;
  const wrap = (consumer: LogConsumer): LogConsumer =>
    new Proxy(consumer, {
      get(target, property, receiver) {
        if (property === 'commitBatch') {
          return async (...args: Parameters<LogConsumer['commitBatch']>) => {
            if (++commits % every === 0) {
              failures++;
              failNextRead = true;
              target.rewind(args[1]);
              throw unavailable('committing a batch');
            }
            return target.commitBatch(...args);
          };
        }
        if (property === 'committed') {
          return async (...args: Parameters<LogConsumer['committed']>) => {
            if (failNextRead) {
              failNextRead = false;
              throw unavailable('reading committed offsets');
            }
            return target.committed(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const flaky = new Proxy(log, {
    get(target, property, receiver) {
      if (property === 'createConsumer') {
        return async (...args: Parameters<Log['createConsumer']>) => {
          const consumer = await target.createConsumer(...args);
          return args[0].groupId === undefined ? consumer : wrap(consumer);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { log: flaky, failures: () => failures };
}

test('commits failing, and the rewind after each failing to read offsets at first: every transaction still decided exactly once', { timeout: 120_000 }, async (t) => {
  const embedded = openEmbeddedLog({ dataDir: tempDir(t) });
  t.after(() => embedded.close());
  const topics = { transactions: randomTopic('tx'), legit: randomTopic('legit'), fraud: randomTopic('fraud'), deadLetter: randomTopic('dlq') };
  await embedded.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 3 })));
  const total = 3000;
  const producer = await embedded.createProducer();
  const items = generatedTraffic({ seed: 12, ratePerSecond: 100, startTime: Date.parse('2026-01-01T00:00:00Z') }, topics.transactions);
  assert.equal(await produceItems({ producer, items, rate: 0, count: total }, new AbortController().signal), total);
  await producer.close();

  const { log, failures } = flakyLog(embedded, 4);
  const stop = new AbortController();
  const running = runDetector(
    { log, inputTopic: topics.transactions, outputs: topics, groupId: randomTopic('g'), batchSize: 100, exactlyOnce: true, maxRecordBytes: 65_536, ruleset: () => seedRules, logger: silentLogger() },
    stop.signal,
  );
  const outputs = async (): Promise<number> => (await countRecords(embedded, topics.legit)) + (await countRecords(embedded, topics.fraud)) + (await countRecords(embedded, topics.deadLetter));
  const done = await eventually(async () => (await outputs()) >= total, 90_000);
  stop.abort();
  await running;
  assert.ok(failures() >= 5, `the commits failed (${failures()} times)`);
  assert.ok(done, `every transaction decided: ${await outputs()} of ${total}`);
  const ids = [...idsOf(await readAll(embedded, topics.legit)), ...idsOf(await readAll(embedded, topics.fraud))];
  assert.equal(ids.length, total, 'one decision per transaction');
  assert.equal(new Set(ids).size, total, 'none decided twice');
  assert.equal(await countRecords(embedded, topics.deadLetter), 0);
});
