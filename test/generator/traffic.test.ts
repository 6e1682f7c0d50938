import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatedTraffic } from '../../src/generator/generated.ts';
import { localHour } from '../../src/generator/scenarios/local-time.ts';
import { TrafficGenerator, type GeneratedEvent, type TrafficOptions } from '../../src/generator/traffic.ts';
import { parseTransaction } from '../../src/domain/validation.ts';

const start = Date.parse('2026-05-01T00:00:00Z');
const HOUR = 3_600_000;
const take = (seed: number, n: number, options: Partial<TrafficOptions> = {}): GeneratedEvent[] => {
  const generator = new TrafficGenerator({ seed, startTime: start, customers: 5_000, ...options });
  return Array.from({ length: n }, () => generator.next());
};
const serialise = (events: GeneratedEvent[]): string => events.map((event) => JSON.stringify([event.atMs, event.transaction])).join('\n');
/** Per account, its payments' simulated times in order. */
function timesByAccount(events: GeneratedEvent[]): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const { atMs, transaction } of events) times.set(transaction.source, [...(times.get(transaction.source) ?? []), atMs]);
  return times;
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
/** A month of 5,000 customers, the stream most tests look at. */
const month = take(4, 100_000);

test('the same seed and start time give the same stream, byte for byte; another seed another', () => {
  assert.equal(serialise(take(42, 3_000)), serialise(take(42, 3_000)));
  assert.notEqual(serialise(take(43, 300)), serialise(take(42, 300)));
  assert.notEqual(serialise(take(42, 300, { startTime: start + HOUR })), serialise(take(42, 300)));
});

test('every generated transaction is valid under the contract and carries an id and a timestamp', () => {
  for (const { transaction } of month.slice(0, 3_000)) {
    const parsed = parseTransaction(Buffer.from(JSON.stringify(transaction)), { maxRecordBytes: 65_536 });
    assert.ok(parsed.ok, JSON.stringify(transaction));
    assert.match(transaction.id, /^tx-[0-9A-Za-z]{16}$/);
    assert.ok(Date.parse(transaction.timestamp) >= start);
  }
});

test('ids do not repeat', () => {
  const ids = month.map((event) => event.transaction.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('amounts are realistic: mostly small, with a long tail', () => {
  const amounts = month.map((event) => event.transaction.amount).sort((a, b) => a - b);
  const middle = amounts[Math.floor(amounts.length / 2)] ?? 0;
  const p99 = amounts[Math.floor(amounts.length * 0.99)] ?? 0;
  assert.ok(middle > 5 && middle < 100, `median ${middle}`);
  assert.ok(p99 > 5 * middle, `p99 ${p99} vs median ${middle}`);
  const over900 = amounts.filter((amount) => amount >= 900).length / amounts.length;
  assert.ok(over900 > 0.005 && over900 < 0.1, `share at or over 900: ${over900}`);
});

test('a customer pays every few days, not every few seconds: the median gap between their payments is hours to days', () => {
  const gaps: number[] = [];
  const perCustomer: number[] = [];
  for (const times of timesByAccount(month).values()) {
    for (let i = 1; i < times.length; i++) gaps.push((times[i] as number) - (times[i - 1] as number));
    if (times.length > 1) perCustomer.push(median(times.slice(1).map((at, i) => at - (times[i] as number))));
  }
  const gapHours = median(gaps) / HOUR;
  assert.ok(gapHours > 6 && gapHours < 72, `median gap ${gapHours.toFixed(1)} h`);
  // Some pay daily, some weekly: the spread of habits across customers.
  const sorted = perCustomer.sort((a, b) => a - b);
  assert.ok((sorted[Math.floor(sorted.length * 0.1)] ?? 0) < 24 * HOUR, 'a tenth pay about daily or more');
  assert.ok((sorted[Math.floor(sorted.length * 0.9)] ?? 0) > 3 * 24 * HOUR, 'a tenth pay twice a week or less');
});

test("almost nobody makes 6 payments within 60 s, the velocity rule's threshold", () => {
  let fast = 0;
  for (const times of timesByAccount(month).values()) for (let i = 5; i < times.length; i++) if ((times[i] as number) - (times[i - 5] as number) <= 60_000) fast++;
  assert.ok(fast / month.length < 0.0001, `${fast} of ${month.length}`);
});

test("payments follow the local day: most in the customer's active hours, few at night", () => {
  const generator = new TrafficGenerator({ seed: 5, startTime: start, customers: 2_000 });
  let inActiveHours = 0;
  let atNight = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const { customer, transaction } = generator.next();
    const hour = Math.floor(localHour(Date.parse(transaction.timestamp), customer.home.country));
    if (hour >= customer.activeHours[0] && hour <= customer.activeHours[1]) inActiveHours++;
    if (hour < 5) atNight++;
  }
  assert.ok(inActiveHours / n > 0.95, `in active hours: ${inActiveHours / n}`);
  assert.ok(atNight / n < 0.02, `0-5 h local: ${atNight / n}`);
});

test('customers go back to the same few shops and payees', () => {
  const targets = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const { transaction } of month) {
    targets.set(transaction.source, (targets.get(transaction.source) ?? new Set()).add(transaction.target));
    counts.set(transaction.source, (counts.get(transaction.source) ?? 0) + 1);
  }
  const regulars = [...counts].filter(([, count]) => count >= 40).map(([account]) => (targets.get(account)?.size ?? 0) / (counts.get(account) ?? 1));
  assert.ok(regulars.length > 20);
  assert.ok(median(regulars) < 0.6, `distinct payees per payment of busy customers: ${median(regulars)}`);
});

test('transfers between customers are about one payment in eight', () => {
  const transfers = month.filter((event) => event.transaction.channel === 'transfer').length / month.length;
  assert.ok(transfers > 0.1 && transfers < 0.14, `transfers ${transfers}`);
});

test('live traffic: event time advances at the asked rate, whoever pays', () => {
  const events = take(5, 5_000, { ratePerSecond: 10, customers: undefined });
  const seconds = (events[events.length - 1]?.atMs ?? 0) / 1000;
  assert.ok(Math.abs(5_000 / seconds - 10) < 1, `rate ${5_000 / seconds}`);
  assert.ok(new Set(events.map((event) => event.transaction.source)).size > 4_900, 'a population of millions: nearly every payer is new');
});

test('items are keyed by source; live items are due at their event time, others are spaced by the rate', () => {
  const live = generatedTraffic({ seed: 1, ratePerSecond: 2, startTime: start }, 'queuing.transactions');
  const paced = generatedTraffic({ seed: 1, startTime: start, customers: 100 }, 'queuing.transactions');
  for (let i = 0; i < 20; i++) {
    const item = live.next().value;
    assert.ok(item);
    const record = item.records[0];
    const value = JSON.parse(String(record?.value)) as { source: string; timestamp: string };
    assert.equal(record?.key, value.source);
    assert.equal(record?.topic, 'queuing.transactions');
    assert.equal(Math.round(item.dueMs ?? -1), Date.parse(value.timestamp) - start);
    assert.equal(paced.next().value?.dueMs, undefined);
  }
});

test('with untilMs, the stream stops before the first transaction at or past it', () => {
  const items = [...generatedTraffic({ seed: 2, startTime: start, customers: 300 }, 't', { untilMs: 2 * 24 * HOUR })];
  assert.ok(items.length > 100);
  const last = JSON.parse(String(items[items.length - 1]?.records[0]?.value)) as { timestamp: string };
  assert.ok(Date.parse(last.timestamp) < start + 2 * 24 * HOUR);
  assert.ok(Date.parse(last.timestamp) > start + 1.5 * 24 * HOUR);
});
