import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFeatureView, observe } from '../../src/detector/features/extract.ts';
import type { Features } from '../../src/detector/features/types.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { CODEC_VERSION, decodeEntity, encodeEntity } from '../../src/detector/state/codec.ts';
import { Kind } from '../../src/detector/state/kinds.ts';
import { DEFAULT_LIMITS, StateLimitsSchema } from '../../src/detector/state/limits.ts';
import { LocalStore } from '../../src/detector/state/local-store.ts';
import { EntityStore } from '../../src/detector/state/store.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import { tempDir } from '../helpers/temp.ts';

const RULESET = compileRuleset({ rules: [] });
const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');

/** A seeded stream over 60 days: few accounts, shared devices, ips and merchants, bursts, so rings overflow and sets fill. */
function stream(count: number, seed: number): Array<{ tx: Transaction; at: number }> {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = (n: number): number => Math.floor(next() * n);
  const events: Array<{ tx: Transaction; at: number }> = [];
  let at = T0;
  for (let i = 0; i < count; i++) {
    // Mostly hours apart, sometimes a burst of seconds.
    at += next() < 0.1 ? pick(30_000) : pick(8 * 3_600_000);
    const account = pick(12);
    const transfer = next() < 0.15;
    events.push({
      at,
      tx: {
        id: `t${i}`,
        source: `acct-${account}`,
        target: transfer ? `acct-${pick(12)}` : `M${pick(40)}`,
        amount: Math.round((1 + next() * 300) * 100) / 100 + (next() < 0.02 ? 0.001 : 0),
        currency: 'EUR',
        channel: transfer ? 'transfer' : next() < 0.5 ? 'card-present' : 'ecommerce',
        card: `card-${account}-${pick(2)}`,
        device: `dev-${pick(20)}`,
        ip: `10.0.${pick(4)}.${pick(60)}`,
        country: ['DE', 'FR', 'ES'][pick(3)],
        mcc: String(5000 + pick(30)),
        lat: 48 + next() * 5,
        lon: 2 + next() * 10,
      },
    });
  }
  return events;
}

/** Every feature value, as text: what a decision could read. */
function snapshot(f: Features): string {
  const values: unknown[] = [];
  for (const group of Object.values(f) as Array<Record<string, unknown>>) for (const key of Object.keys(group)) values.push(group[key]);
  return JSON.stringify(values);
}

const smallLimits = StateLimitsSchema.parse({ ringEvents: [8, 6, 6, 6, 6, 6], setCapacity: [6, 3, 2, 4, 5] });

test('a state written to the local store and read back decides every later transaction exactly as the one that stayed in memory', async (t) => {
  const events = stream(3000, 7);
  const split = 1800;
  const options = (store: EntityStore) => ({ store, limits: smallLimits, settings: RULESET.features, channels: RULESET.channels });

  const uninterrupted = new EntityStore({ limits: smallLimits, partitions: 6, memoryBytes: Number.POSITIVE_INFINITY });
  const view = newFeatureView();
  const expected = events.map(({ tx, at }) => snapshot(observe(view, tx, at, options(uninterrupted))));

  const dir = tempDir(t);
  const first = new EntityStore({ limits: smallLimits, partitions: 6, memoryBytes: Number.POSITIVE_INFINITY });
  const firstView = newFeatureView();
  for (const { tx, at } of events.slice(0, split)) observe(firstView, tx, at, options(first));
  const local = LocalStore.open({ stateDir: dir, group: 'g', topic: 'tx', partitions: 6 });
  const flush = first.flush();
  await local.checkpoint(
    flush.entities.map((entity) => [entity.key, entity.value] as const),
    { format: CODEC_VERSION, topic: 'tx', partitions: 6, cut: [split], watermark: 0, writer: false, seq: 1, savedAt: Date.now() },
  );
  // A tiny memory budget: entities come and go from the local store as the stream needs them.
  const restored = new EntityStore({ limits: smallLimits, partitions: 6, memoryBytes: 4096, local });
  const restoredView = newFeatureView();
  let differences = 0;
  for (let index = split; index < events.length; index++) {
    const { tx, at } = events[index] as { tx: Transaction; at: number };
    if (snapshot(observe(restoredView, tx, at, options(restored))) !== expected[index]) differences++;
    if (index % 100 === 99) {
      const { version, entities } = restored.flush();
      const meta = { format: CODEC_VERSION, topic: 'tx', partitions: 6, cut: [index + 1], watermark: 0, writer: false, seq: index, savedAt: 0 };
      await local.checkpoint(entities.map((entity) => [entity.key, entity.value] as const), meta);
      restored.saved(version);
    }
  }
  assert.ok(restored.size < first.size, `entities come and go with the budget: ${restored.size} in memory of ${first.size}`);
  await local.close();
  assert.equal(differences, 0, 'every feature of every transaction after the restore');
  assert.ok(first.size > 50, `entities in the state: ${first.size}`);
});

test('the codec is lossless for every kind: encode, decode, encode gives the same bytes', () => {
  const store = new EntityStore({ limits: smallLimits, partitions: 6, memoryBytes: Number.POSITIVE_INFINITY });
  const view = newFeatureView();
  for (const { tx, at } of stream(2000, 3)) observe(view, tx, at, { store, limits: smallLimits, settings: RULESET.features, channels: RULESET.channels });
  const kinds = new Set<number>();
  for (const { key, home, value } of store.flush().entities) {
    assert.ok(value);
    const decoded = decodeEntity(value, home, smallLimits.ringEvents);
    kinds.add(decoded.kind);
    assert.deepEqual(encodeEntity(decoded), value, key);
  }
  assert.deepEqual([...kinds].sort(), [Kind.ACCOUNT, Kind.CARD, Kind.MERCHANT, Kind.PAYEE, Kind.DEVICE, Kind.IP]);
});

test('a state record of another format or cut short is refused with FRAUD_STATE_CORRUPT', () => {
  const store = new EntityStore({ limits: DEFAULT_LIMITS, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY });
  const view = newFeatureView();
  observe(view, { source: 'a', target: 'b', amount: 5, currency: 'EUR' }, T0, { store, limits: DEFAULT_LIMITS, settings: RULESET.features, channels: RULESET.channels });
  const bytes = store.flush().entities[0]?.value;
  assert.ok(bytes);
  const otherFormat = Buffer.from(bytes);
  otherFormat[0] = 99;
  assert.throws(() => decodeEntity(otherFormat, 0, DEFAULT_LIMITS.ringEvents), { code: 'FRAUD_STATE_CORRUPT' });
  assert.throws(() => decodeEntity(bytes.subarray(0, 5), 0, DEFAULT_LIMITS.ringEvents), { code: 'FRAUD_STATE_CORRUPT' });
});

test('first-seen sets forget the least recently used entry, so a home country used every week is never forgotten', () => {
  const limits = StateLimitsSchema.parse({ setCapacity: [64, 4, 2, 4, 8] });
  const store = new EntityStore({ limits, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY });
  const view = newFeatureView();
  const options = { store, limits, settings: RULESET.features, channels: RULESET.channels };
  const pay = (at: number, country: string, ip: string) =>
    observe(view, { source: 'traveller', target: 'shop', amount: 20, currency: 'EUR', country, ip, device: 'phone' }, at, options);
  let newHome = 0;
  for (let week = 0; week < 12; week++) {
    // Every week at home from a new mobile ip, and once abroad.
    if (pay(T0 + week * 7 * DAY, 'DE', `ip-${week}-a`).source.new_country) newHome++;
    pay(T0 + week * 7 * DAY + DAY, ['FR', 'ES', 'IT', 'PT'][week % 4] as string, `ip-${week}-b`);
  }
  assert.equal(newHome, 0, 'home is never new (only its first payment, which has no history)');
  const f = pay(T0 + 100 * DAY, 'DE', 'ip-new');
  assert.equal(f.source.new_country, false);
  assert.equal(f.source.new_ip, true);
  assert.equal(f.source.new_device, false);
});

test('an entity idle past retention is forgotten in the local store too', async (t) => {
  const limits = StateLimitsSchema.parse({ retentionDays: 5 });
  const local = LocalStore.open({ stateDir: tempDir(t), group: 'g', topic: 'tx', partitions: 1 });
  t.after(() => local.close());
  const store = new EntityStore({ limits, partitions: 1, memoryBytes: 1, local });
  const view = newFeatureView();
  const options = { store, limits, settings: RULESET.features, channels: RULESET.channels };
  observe(view, { source: 'a', target: 'm', amount: 5, currency: 'EUR', device: 'd' }, T0, options);
  const { version, entities } = store.flush();
  await local.checkpoint(entities.map((entity) => [entity.key, entity.value as Buffer] as const), { format: CODEC_VERSION, topic: 'tx', partitions: 1, cut: [1], watermark: T0, writer: false, seq: 1, savedAt: 0 });
  store.saved(version);
  assert.equal(store.peek(Kind.DEVICE, 'd', T0 + 4 * DAY)?.count, 1, 'read back from the local store');
  assert.equal(store.peek(Kind.DEVICE, 'd', T0 + 6 * DAY), undefined, 'idle past retention');
  assert.equal(store.get(Kind.DEVICE, 'd', T0 + 6 * DAY).count, 0);
});
