import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StatsView } from '../../src/dashboard/index.ts';
import type { DecidedTransaction } from '../../src/domain/decision.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector } from '../../src/detector/service.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { eventually, openPipeline, started } from './fixtures.ts';
import { SseReader } from './sse-reader.ts';

describe('dashboard behind the real detector', () => {
  test('every transaction the detector decides reaches the browser stream once, with its latency counted', async (t) => {
    const pipeline = await openPipeline(t);
    const { log, topics, producer } = pipeline;
    const dashboard = await started(pipeline);
    const reader = await SseReader.open(new URL('/events', dashboard.url).href);
    pipeline.defer(() => reader.close());
    await reader.waitFor('hello');

    const stop = new AbortController();
    const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
    const detector = runDetector(
      { log, inputTopic: topics.transactions, outputs: topics, groupId: `g-${topics.transactions}`, batchSize: 100, exactlyOnce: true, maxRecordBytes: 65_536, ruleset: () => ruleset, logger: silentLogger() },
      stop.signal,
    );
    pipeline.defer(async () => {
      stop.abort();
      await detector;
    });

    const ids = Array.from({ length: 30 }, (_, i) => `tx-e2e-${i}`);
    await producer.send([
      ...ids.map((id, i) => ({
        topic: topics.transactions,
        key: `acct-${i % 5}`,
        value: JSON.stringify({ id, source: `acct-${i % 5}`, target: `shop-${i}`, amount: i % 10 === 0 ? 2500 : 20 + i, currency: 'EUR' }),
      })),
      { topic: topics.transactions, key: 'broken', value: '{"source": "acct-1", "amount": ' },
    ]);

    const decisions = await reader.waitFor('decision', 30, 10_000);
    await reader.waitFor('dead-letter', 1);
    const streamed = decisions.map((event) => JSON.parse(event.data) as DecidedTransaction);
    assert.deepEqual(streamed.map((decision) => decision.id).sort(), [...ids].sort());
    assert.ok(streamed.every((decision) => ['legit', 'review', 'fraud'].includes(decision.decision.verdict)));
    const stats = await eventually(async () => {
      const current = (await (await fetch(new URL('/api/stats', dashboard.url))).json()) as StatsView;
      return current.transactions === 31 ? current : undefined;
    }, 5000, 'stats of 31 records');
    assert.equal(stats.legit + stats.review + stats.fraud, 30);
    assert.equal(stats.deadLetter, 1);
    assert.equal(stats.latencyMs.count, 31, 'the detector sets the input timestamp header on every output');
    assert.ok(stats.latencyMs.p99 !== null && stats.latencyMs.p99 < 10_000);
    assert.equal(stats.backlog, 0);
  });
});
