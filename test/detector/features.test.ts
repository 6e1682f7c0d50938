import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Transaction } from '../../src/domain/transaction.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { Kind } from '../../src/detector/state/kinds.ts';
import { aTransaction } from '../helpers/builders.ts';
import { feedAt, newState, observeOne, type TestState } from '../helpers/state.ts';

const T0 = Date.parse('2026-04-01T10:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const DAY = 24 * HOUR;

/** Feeds transactions at given offsets from T0 (a fake event clock) and returns the last features. */
function feed(state: TestState, events: Array<[number, Partial<Transaction>]>) {
  return feedAt(state, T0, events);
}

test('velocity: payments of an account in sliding windows, the current one included', () => {
  const state = newState();
  const burst = Array.from({ length: 6 }, (_, i): [number, Partial<Transaction>] => [i * 5 * SECOND, { source: 'A', amount: 10 }]);
  const f = feed(state, burst);
  assert.equal(f.source.count_1m, 6);
  assert.equal(f.source.sum_1m, 60);
  assert.equal(f.source.avg_1m, 10);
  const later = feed(state, [[2 * MINUTE, { source: 'A', amount: 30 }]]);
  assert.equal(later.source.count_1m, 1, 'the burst left the 1-minute window');
  assert.equal(later.source.count_10m, 7);
  assert.equal(later.source.max_10m, 30);
  assert.equal(later.source.min_10m, 10);
});

test('card testing: small payments of a card and at how many merchants', () => {
  const state = newState();
  const probes = Array.from({ length: 4 }, (_, i): [number, Partial<Transaction>] => [
    i * 20 * SECOND,
    { source: 'V', card: 'card-1', target: `M${i}`, amount: 1 + i },
  ]);
  const f = feed(state, probes);
  assert.equal(f.card.small_count_10m, 4);
  assert.equal(f.card.small_distinct_10m, 4);
  assert.equal(f.source.small_count_10m, 4);
  assert.equal(f.card.count_10m, 4);
});

test("amount against the account's own history", () => {
  const state = newState();
  const habits = Array.from({ length: 20 }, (_, i): [number, Partial<Transaction>] => [i * HOUR, { source: 'H', amount: 20 + (i % 5) }]);
  feed(state, habits);
  const spike = feed(state, [[21 * HOUR, { source: 'H', amount: 880 }]]);
  assert.equal(spike.source.history, 20);
  assert.ok(spike.source.amount_ratio > 30, `ratio ${spike.source.amount_ratio}`);
  assert.ok(spike.source.amount_z > 5, `z ${spike.source.amount_z}`);
  const usual = feed(state, [[22 * HOUR, { source: 'H', amount: 22 }]]);
  assert.ok(Math.abs(usual.source.amount_z) < 2, `z ${usual.source.amount_z}`);
  const first = feed(newState(), [[0, { source: 'N', amount: 500 }]]);
  assert.equal(first.source.amount_z, 0, 'no history, no score');
  assert.equal(first.source.amount_ratio, 0);
});

test('first seen payee, device, country, ip and category, only once the account has history', () => {
  const state = newState();
  const first = feed(state, [[0, { source: 'S', target: 'P1', device: 'd1', country: 'FR', ip: '1.1.1.1', mcc: '5411' }]]);
  assert.deepEqual([first.source.new_payee, first.source.new_device, first.source.new_country], [false, false, false]);
  const same = feed(state, [[MINUTE, { source: 'S', target: 'P1', device: 'd1', country: 'fr', ip: '1.1.1.1', mcc: '5411' }]]);
  assert.deepEqual([same.source.new_payee, same.source.new_device, same.source.new_country, same.source.new_ip, same.source.new_category], [false, false, false, false, false]);
  const fresh = feed(state, [[2 * MINUTE, { source: 'S', target: 'P2', device: 'd2', country: 'RO', ip: '9.9.9.9', mcc: '5732' }]]);
  assert.deepEqual([fresh.source.new_payee, fresh.source.new_device, fresh.source.new_country, fresh.source.new_ip, fresh.source.new_category], [true, true, true, true, true]);
  assert.equal(fresh.source.since_new_device_s, 0);
  const after = feed(state, [[32 * MINUTE, { source: 'S', target: 'P3', device: 'd2' }]]);
  assert.equal(after.source.since_new_device_s, 1800);
  assert.equal(after.source.new_device, false);
});

test('geo velocity between in-person payments; online ones do not count', () => {
  const state = newState();
  feed(state, [[0, { source: 'G', channel: 'card-present', lat: 48.857, lon: 2.352 }]]);
  const online = feed(state, [[10 * MINUTE, { source: 'G', channel: 'ecommerce', lat: 35.676, lon: 139.65 }]]);
  assert.equal(online.geo.speed_kmh, 0);
  const newYork = feed(state, [[HOUR, { source: 'G', channel: 'card-present', lat: 40.713, lon: -74.006 }]]);
  assert.equal(newYork.geo.has_previous, true);
  assert.ok(Math.abs(newYork.geo.distance_km - 5837) < 30, `distance ${newYork.geo.distance_km}`);
  assert.ok(newYork.geo.speed_kmh > 5500 && newYork.geo.speed_kmh < 6000, `speed ${newYork.geo.speed_kmh}`);
  const nearby = feed(state, [[HOUR + MINUTE, { source: 'G', channel: 'card-present', lat: 40.75, lon: -73.99 }]]);
  assert.equal(nearby.geo.speed_kmh, 0, 'a few km is noise, not a trip');
});

test('fan-in: distinct payers of a payee, transfers only', () => {
  const state = newState();
  const transfers = Array.from({ length: 5 }, (_, i): [number, Partial<Transaction>] => [
    i * MINUTE,
    { source: `payer-${i}`, target: 'MULE', channel: 'transfer', amount: 400 },
  ]);
  const f = feed(state, transfers);
  assert.equal(f.target.distinct_1h, 5);
  assert.equal(f.target.sum_1h, 2000);
  assert.equal(f.target.history, 4);
  const purchase = feed(state, [[6 * MINUTE, { source: 'x', target: 'SHOP', channel: 'card-present' }]]);
  assert.equal(purchase.target.distinct_1h, 0);
});

test('fan-out: transfers to never-paid payees in the last hour', () => {
  const state = newState();
  const f = feed(
    state,
    Array.from({ length: 5 }, (_, i): [number, Partial<Transaction>] => [i * MINUTE, { source: 'MULE', target: `out-${i}`, channel: 'transfer' }]),
  );
  assert.equal(f.source.new_payee_transfers_1h, 5);
  assert.equal(f.source.distinct_1h, 5);
});

test('accounts sharing a device or an ip', () => {
  const state = newState();
  const f = feed(
    state,
    ['a', 'b', 'c'].map((source, i): [number, Partial<Transaction>] => [i * MINUTE, { source, device: 'shared', ip: '10.0.0.1' }]),
  );
  assert.equal(f.device.distinct_24h, 3);
  assert.equal(f.ip.distinct_24h, 3);
});

test('payments just below the reporting threshold in 24 h', () => {
  const state = newState();
  const f = feed(state, [
    [0, { source: 'ST', amount: 9500 }],
    [HOUR, { source: 'ST', amount: 9990 }],
    [2 * HOUR, { source: 'ST', amount: 10_000 }],
    [3 * HOUR, { source: 'ST', amount: 8000 }],
    [4 * HOUR, { source: 'ST', amount: 9100 }],
  ]);
  assert.equal(f.source.near_threshold_24h, 3);
});

test('windows run on event time: the same stream decided fast or slow gives the same features', () => {
  const events = Array.from({ length: 50 }, (_, i): [number, Partial<Transaction>] => [i * 7 * SECOND, { source: `acct-${i % 3}`, amount: 5 + i }]);
  const a = feed(newState(), events);
  const b = feed(newState(), events);
  // Every feature's value (each view's group objects have prototypes of their own).
  const values = (f: object): unknown => JSON.parse(JSON.stringify(f));
  assert.deepEqual(values(a), values(b));
  assert.ok(a.source.count_24h > 0, 'the windows did count');
});

test('an entity idle past retention is forgotten: it reads as new', () => {
  const state = newState({ limits: { retentionDays: 10 } });
  feed(state, [[0, { source: 'old', device: 'd-old', target: 'P1' }], [HOUR, { source: 'old', device: 'd-old', target: 'P1' }]]);
  const soon = feed(state, [[9 * DAY, { source: 'old', device: 'd-old', target: 'P1' }]]);
  assert.equal(soon.source.history, 2);
  assert.equal(soon.device.history, 2);
  const late = feed(state, [[30 * DAY, { source: 'old', device: 'd-old', target: 'P1' }]]);
  assert.equal(late.source.history, 0, 'idle 21 days, past the 10-day retention');
  assert.equal(late.device.history, 0);
  assert.equal(late.source.new_payee, false, 'no history, nothing is new');
});

test('a busy account keeps a bounded ring; its older events fold into buckets the long windows still count', () => {
  const state = newState({ limits: { ringEvents: [16, 8, 8, 8, 8, 8] } });
  // 100 payments, one every 20 minutes: about 33 hours.
  const f = feed(state, Array.from({ length: 100 }, (_, i): [number, Partial<Transaction>] => [i * 20 * MINUTE, { source: 'busy', amount: 10 }]));
  const account = state.store.peek(Kind.ACCOUNT, 'busy', T0 + 99 * 20 * MINUTE);
  assert.ok(account);
  assert.equal(account.capacity, 16);
  assert.equal(account.size, 16);
  assert.equal(account.count, 100);
  assert.equal(f.source.count_1h, 4, 'the last hour (its bounds included) is in the ring: exact');
  assert.ok(Math.abs(f.source.count_24h - 72) <= 3, `24 h from the ring and hourly buckets: ${f.source.count_24h}`);
  assert.equal(f.source.count_30d, 100, 'every payment of the month');
  assert.equal(f.source.sum_30d, 1000);
});

test('lists: blocked and allowed ids', () => {
  const { lists } = compileRuleset({
    lists: { blocked: { accounts: ['BAD'], devices: ['evil-phone'] }, allowed: { accounts: ['VIP'] } },
    rules: [],
  });
  const listed = (fields: Partial<Transaction>) => ({ ...observeOne(newState(), aTransaction(fields), T0, lists).lists });
  assert.equal(listed({ target: 'BAD' }).target_blocked, true);
  assert.equal(listed({ target: 'BAD' }).any_blocked, true);
  assert.equal(listed({ device: 'evil-phone' }).device_blocked, true);
  assert.equal(listed({ source: 'VIP' }).source_allowed, true);
  assert.equal(listed({}).any_blocked, false);
});

test('hour of day, in the country of the payment', () => {
  const f = feed(newState(), [[0, { source: 'T', country: 'JP' }]]);
  assert.equal(f.time.hour_utc, 10);
  assert.equal(f.time.hour_local, 19);
  const night = feed(newState(), [[-8 * HOUR, { source: 'T', country: 'FR' }]]);
  assert.equal(night.time.hour_local, 3);
  assert.equal(night.time.night, true);
  // Before 1970 the event time is negative: the hour is still the clock's.
  const old = observeOne(newState(), aTransaction({ source: 'T' }), Date.parse('1969-12-31T05:30:00Z'));
  assert.equal(old.time.hour_utc, 5);
});

test('a transaction with only the seed fields gets every feature, zeros where unknown', () => {
  const f = feed(newState(), [[0, { card: undefined, device: undefined, ip: undefined, country: undefined, channel: undefined }]]);
  assert.equal(f.card.count_10m, 0);
  assert.equal(f.device.distinct_24h, 0);
  assert.equal(f.geo.speed_kmh, 0);
  assert.equal(f.source.count_1m, 1);
});
