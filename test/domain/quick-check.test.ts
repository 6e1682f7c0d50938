import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quickCheck } from '../../src/domain/quick-check.ts';
import { TransactionSchema } from '../../src/domain/transaction.ts';
import { Random } from '../../src/generator/random.ts';
import { TrafficGenerator } from '../../src/generator/traffic.ts';

const PALETTE: Record<string, unknown[]> = {
  source: ['A', 'ACC000000001', '', 'x'.repeat(256), 'x'.repeat(257), 5, null, undefined, ['A']],
  target: ['B', '', 42, undefined, 'M'.repeat(300)],
  amount: [1, 0.01, 0, -1, 1e308, Number.POSITIVE_INFINITY, Number.NaN, '12', null, undefined],
  currency: ['EUR', 'eur', 'EU', 'EURO', '€', 1, undefined],
  id: ['tx-1', '', null, 3, undefined],
  timestamp: ['2026-01-01T00:00:00Z', '2026-01-01', '2026-13-45T00:00:00Z', 'March 7', 0, -5, 1.5, 1e20, null, undefined],
  channel: ['ecommerce', '', null, 7, undefined],
  mcc: ['5411', '541', 5411, 10000, 12.5, '54a1', null, undefined],
  country: ['FR', 'fr', 'FRA', 1, null, undefined],
  lat: [0, 90, 90.5, -91, '45', null, undefined],
  lon: [0, 180, 181, -180.1, null, undefined],
  device: ['d', '', null, undefined, {}],
  ip: ['1.2.3.4', '', undefined],
  card: ['c', '', 9, undefined],
};

test('the quick check never accepts what the schema refuses (random combinations of edge values)', () => {
  const random = new Random(1234);
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const candidate: Record<string, unknown> = {};
    for (const [field, values] of Object.entries(PALETTE)) {
      // Mostly the valid first value, so that most combinations differ from a valid one in a field or two.
      const value = random.chance(0.8) ? values[0] : random.pick(values);
      if (value !== undefined) candidate[field] = value;
    }
    if (quickCheck(candidate)) {
      accepted++;
      assert.equal(TransactionSchema.safeParse(candidate).success, true, JSON.stringify(candidate));
    }
  }
  assert.ok(accepted > 100, `some combinations are valid (${accepted})`);
});

test('the quick check accepts every generated transaction (the fast path is the common path)', () => {
  const generator = new TrafficGenerator({ seed: 8, ratePerSecond: 10, startTime: Date.parse('2026-01-01T00:00:00Z') });
  for (let i = 0; i < 2000; i++) {
    const transaction = JSON.parse(JSON.stringify(generator.next().transaction)) as Record<string, unknown>;
    assert.equal(quickCheck(transaction), true, JSON.stringify(transaction));
  }
});
