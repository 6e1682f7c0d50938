import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { TrafficGenerator } from '../../src/generator/traffic.ts';
import { parseTransaction } from '../../src/domain/validation.ts';

const start = Date.parse('2026-05-01T00:00:00Z');
const take = (seed: number, n: number) => {
  const generator = new TrafficGenerator({ seed, ratePerSecond: 10, startTime: start });
  return Array.from({ length: n }, () => generator.next());
};

test('the same seed gives the same stream', () => {
  assert.deepEqual(take(42, 500), take(42, 500));
});

test('another seed gives another stream', () => {
  assert.notDeepEqual(take(42, 50), take(43, 50));
});

test('every generated transaction is valid under the contract and carries an id and a timestamp', () => {
  for (const { transaction } of take(7, 2000)) {
    const parsed = parseTransaction(Buffer.from(JSON.stringify(transaction)), { maxRecordBytes: 65_536 });
    assert.ok(parsed.ok, JSON.stringify(transaction));
    assert.match(transaction.id, /^tx-/);
    assert.ok(Date.parse(transaction.timestamp) >= start);
  }
});

test('ids do not repeat', () => {
  const ids = take(9, 20_000).map((event) => event.transaction.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('amounts are realistic: mostly small, with a long tail', () => {
  const amounts = take(3, 20_000).map((event) => event.transaction.amount).sort((a, b) => a - b);
  const median = amounts[Math.floor(amounts.length / 2)] ?? 0;
  const p99 = amounts[Math.floor(amounts.length * 0.99)] ?? 0;
  assert.ok(median > 5 && median < 100, `median ${median}`);
  assert.ok(p99 > 5 * median, `p99 ${p99} vs median ${median}`);
  const over900 = amounts.filter((amount) => amount >= 900).length / amounts.length;
  assert.ok(over900 > 0.005 && over900 < 0.1, `share at or over 900: ${over900}`);
});

test('simulated time advances at about the asked rate', () => {
  const events = take(5, 5000);
  const seconds = (events[events.length - 1]?.atMs ?? 0) / 1000;
  assert.ok(Math.abs(5000 / seconds - 10) < 1, `rate ${5000 / seconds}`);
});

test('items are keyed by source', () => {
  const items = generatedTraffic({ seed: 1, ratePerSecond: 2, startTime: start }, 'queuing.transactions');
  for (let i = 0; i < 20; i++) {
    const item = items.next().value;
    assert.ok(item);
    const record = item.records[0];
    const value = JSON.parse(String(record?.value)) as { source: string };
    assert.equal(record?.key, value.source);
    assert.equal(record?.topic, 'queuing.transactions');
  }
});
