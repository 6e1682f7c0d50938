import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabel } from '../../src/domain/label.ts';
import type { InputItem } from '../../src/detector/input/merged-input.ts';
import { BatchProcessor } from '../../src/detector/processor.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { DEFAULT_LIMITS } from '../../src/detector/state/limits.ts';
import { EntityStore } from '../../src/detector/state/store.ts';
import { aRecord, aTransaction } from '../helpers/builders.ts';
import { toItems } from '../helpers/state.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-04-01T00:00:00Z');
const topics = { legit: 'l', fraud: 'f', deadLetter: 'd' };

/** A ruleset whose only rule reads the label-fed features it is given, so the decision shows them. */
function processorReading(expression: string): BatchProcessor {
  const ruleset = compileRuleset({ rules: [{ id: 'reads', description: 'reads labels', when: expression, score: 90, reason: 'labels' }] });
  const store = new EntityStore({ limits: DEFAULT_LIMITS, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY, labelIndexDays: 45 });
  return new BatchProcessor({ topics, maxRecordBytes: 4096, ruleset: () => ruleset, now: () => T0, store, limits: DEFAULT_LIMITS });
}

function payment(id: string, at: number, fields: Record<string, unknown> = {}): InputItem[] {
  const tx = aTransaction({ id, source: `acct-${id}`, target: 'TERMINAL-1', card: `card-${id}`, channel: 'card-present', timestamp: new Date(at).toISOString(), ...fields });
  return toItems([aRecord(tx)]);
}

function label(value: Record<string, unknown>, offset = 0): InputItem {
  const record = aRecord(value, { topic: 'labels', offset });
  const parsed = parseLabel(record.value);
  return { record, parsed: { ok: false, error: 'WRONG_TYPE', reason: 'a label' }, label: parsed, eventTime: parsed.ok ? parsed.knownAt : 0, decide: false };
}

const verdicts = (processor: BatchProcessor, items: InputItem[]): string[] =>
  processor.process(items).processed.map((item) => (item.kind === 'decision' ? item.decision.verdict : 'dead'));

test("a terminal's confirmed fraud counts from the label's knownAt on, never before", () => {
  const processor = processorReading('f.merchant.fraud_known_7d >= 1 && f.merchant.frauds == 1');
  const knownAt = T0 + 7 * DAY;
  const items = [
    ...payment('t1', T0),
    ...payment('t2', knownAt - 1),
    label({ id: 't1', fraud: true, knownAt: new Date(knownAt).toISOString(), source: 'chargeback' }),
    ...payment('t3', knownAt),
    ...payment('t4', knownAt + 8 * DAY),
  ];
  assert.deepEqual(verdicts(processor, items), ['legit', 'legit', 'fraud', 'legit'], 'known at t3, out of the 7-day window by t4');
});

test('a label names its transaction by id (the index) or brings its parties; one of an unknown transaction changes nothing', () => {
  const processor = processorReading('f.card.frauds >= 1');
  const result = processor.process([
    ...payment('a', T0, { card: 'CARD-X' }),
    label({ id: 'a', fraud: true, knownAt: T0 + DAY, source: 'analyst' }),
    label({ id: 'never-seen', fraud: true, knownAt: T0 + DAY, source: 'chargeback' }, 1),
    label({ id: 'elsewhere', fraud: true, knownAt: T0 + DAY, source: 'chargeback', account: 'other', target: 'T2', card: 'CARD-Y', timestamp: T0 }, 2),
    label({ id: 'broken', knownAt: T0 }, 3),
    ...payment('b', T0 + 2 * DAY, { card: 'CARD-X' }),
    ...payment('c', T0 + 2 * DAY, { card: 'CARD-Y' }),
    ...payment('d', T0 + 2 * DAY, { card: 'CARD-Z' }),
  ]);
  assert.deepEqual(result.labels, { applied: 2, unknown: 1, invalid: 1 });
  assert.deepEqual(result.processed.map((item) => (item.kind === 'decision' ? item.decision.verdict : 'dead')), ['legit', 'fraud', 'fraud', 'legit']);
});

test("the Handbook's terminal risk: frauds among the transactions of the 7 days that ended a label delay ago, over their count", () => {
  const processor = processorReading('f.merchant.fraud_rate_7d == 0.5');
  const items: InputItem[] = [];
  // Four payments on day 0; two of them turn out fraud, known a week later.
  for (const id of ['p0', 'p1', 'p2', 'p3']) items.push(...payment(id, T0 + Number(id.slice(1)) * 1000));
  items.push(label({ id: 'p0', fraud: true, knownAt: T0 + 7 * DAY, source: 'chargeback' }));
  items.push(label({ id: 'p2', fraud: true, knownAt: T0 + 7 * DAY, source: 'chargeback' }, 1));
  items.push(...payment('q', T0 + 7 * DAY + 3_600_000));
  const decided = verdicts(processor, items);
  assert.deepEqual(decided.slice(4), ['fraud'], '2 of the 4 payments of [t - 14 d, t - 7 d]');
});

test('a transaction the decision API wrote twice (the same id) is decided once: the second is DUPLICATE_ID with the first decision, and counts nothing', () => {
  const processor = processorReading('f.source.history >= 2');
  const tx = aTransaction({ id: 'idem-1', source: 'acct-z', target: 'shop', amount: 42, timestamp: new Date(T0).toISOString() });
  const first = aRecord(tx, { headers: { 'fraud-idempotent': '1' } });
  const again = aRecord(tx, { offset: 1, headers: { 'fraud-idempotent': '1' } });
  const later = aRecord({ ...tx, id: 'other' }, { offset: 2 });
  const { processed, outputs } = processor.process(toItems([first, again, later]));
  assert.equal(processed[0]?.kind, 'decision');
  assert.equal(processed[1]?.kind, 'dead-letter');
  const letter = JSON.parse(String(outputs[1]?.value)) as { error: string; original: string };
  assert.equal(letter.error, 'DUPLICATE_ID');
  assert.equal(letter.original, outputs[0]?.value, 'the first decision, byte for byte');
  assert.ok(processed[2]?.kind === 'decision' && processed[2].decision.verdict === 'legit', 'the duplicate did not count as history');
});
