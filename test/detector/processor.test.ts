import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchProcessor, EVIDENCE_HEADER, INPUT_TIMESTAMP_HEADER, SHADOW_HEADER } from '../../src/detector/processor.ts';
import { loadRulesetFile } from '../../src/detector/rules/load.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { newState, toItems } from '../helpers/state.ts';
import { aRecord, aTransaction } from '../helpers/builders.ts';

const storeOf = () => {
  const { store, limits } = newState();
  return { store, limits };
};

const seedRules = loadRulesetFile(new URL('../../rules/seed.yaml', import.meta.url).pathname);
const topics = { legit: 'out.legit', fraud: 'out.fraud', deadLetter: 'out.dlq' };
const now = Date.parse('2026-06-01T08:00:00.000Z');
const processor = new BatchProcessor({ topics, maxRecordBytes: 4096, ruleset: () => seedRules, now: () => now, ...storeOf() });

const valueOf = (output: { value: string | Buffer | null }): Record<string, unknown> =>
  JSON.parse(String(output.value)) as Record<string, unknown>;

test('every record yields exactly one output, routed by verdict, with the same key', () => {
  const records = [
    aRecord(aTransaction({ amount: 10 })),
    aRecord(aTransaction({ amount: 950 })),
    aRecord('not json'),
    aRecord(aTransaction({ amount: 899.99 })),
  ];
  const { outputs } = processor.process(toItems(records));
  assert.deepEqual(outputs.map((o) => o.topic), ['out.legit', 'out.fraud', 'out.dlq', 'out.legit']);
  outputs.forEach((output, index) => assert.deepEqual(output.key, records[index]?.key));
  for (const [index, output] of outputs.entries()) {
    assert.equal(output.headers?.[INPUT_TIMESTAMP_HEADER], String(records[index]?.timestamp));
  }
});

test('a decision is the input object unchanged plus the decision field', () => {
  const input = aTransaction({ amount: 1200, currency: 'USD', loyalty: { tier: 'gold' }, channel: 'ecommerce' });
  const [output] = processor.process(toItems([aRecord(input)])).outputs;
  assert.ok(output);
  const value = valueOf(output);
  const { decision, ...rest } = value;
  assert.deepEqual(rest, input);
  assert.deepEqual(decision, {
    verdict: 'fraud',
    score: 100,
    reasons: [{ rule: 'seed-large-amount', detail: 'amount 1200 USD is at least 900' }],
    rules: 'seed-1',
    decidedAt: '2026-06-01T08:00:00.000Z',
  });
});

test('a transaction without an id gets one derived from its topic, partition and offset', () => {
  const { id: _ignored, ...withoutId } = aTransaction();
  const [output] = processor.process(toItems([aRecord(withoutId, { topic: 'queuing.transactions', partition: 3, offset: 77 })])).outputs;
  assert.equal(valueOf(output as never).id, 'queuing.transactions-3-77');
});

test('an invalid record becomes a dead letter with code, reason and origin', () => {
  const [output] = processor.process(toItems([aRecord({ source: 'A', target: 'B', amount: -1, currency: 'EUR' }, { partition: 1, offset: 9 })])).outputs;
  assert.ok(output);
  assert.equal(output.topic, 'out.dlq');
  const letter = valueOf(output);
  assert.equal(letter.error, 'INVALID_AMOUNT');
  assert.equal(letter.partition, 1);
  assert.equal(letter.offset, 9);
  assert.match(String(letter.reason), /amount/);
  assert.equal(typeof letter.payload, 'string');
});

test('positions to commit are one past the last offset of each partition', () => {
  const { positions } = processor.process(toItems([
    aRecord(aTransaction(), { partition: 0, offset: 5 }),
    aRecord(aTransaction(), { partition: 1, offset: 2 }),
    aRecord(aTransaction(), { partition: 0, offset: 6 }),
  ]));
  assert.deepEqual(
    positions.sort((a, b) => a.partition - b.partition),
    [
      { topic: 'queuing.transactions', partition: 0, offset: 7 },
      { topic: 'queuing.transactions', partition: 1, offset: 3 },
    ],
  );
});

test('a ruleset change applies from the next batch on', () => {
  let rules = seedRules;
  const switching = new BatchProcessor({ topics, maxRecordBytes: 4096, ruleset: () => rules, now: () => now, ...storeOf() });
  assert.equal(switching.process(toItems([aRecord(aTransaction({ amount: 950 }))])).outputs[0]?.topic, 'out.fraud');
  rules = { ...seedRules, rules: [], version: 'empty' };
  const [output] = switching.process(toItems([aRecord(aTransaction({ amount: 950 }))])).outputs;
  assert.equal(output?.topic, 'out.legit');
  assert.equal((valueOf(output as never).decision as { rules: string }).rules, 'empty');
});

test('flagged decisions carry the evidence of each rule that fired; shadow hits are listed apart', () => {
  const ruleset = compileRuleset({
    rules: [
      { id: 'big', description: 'big', when: 'tx.amount >= 900.0 && f.source.count_1m >= 1', score: 90, reason: 'big' },
      { id: 'trial', description: 'trial', when: 'tx.amount > 1.0', score: 50, reason: 'trial', shadow: true },
    ],
  });
  const withRules = new BatchProcessor({ topics, maxRecordBytes: 4096, ruleset: () => ruleset, now: () => now, ...storeOf() });
  const [flagged, plain] = withRules.process(toItems([aRecord(aTransaction({ amount: 950 })), aRecord(aTransaction({ amount: 5 }))])).outputs;
  assert.deepEqual(JSON.parse(flagged?.headers?.[EVIDENCE_HEADER] ?? '{}'), { big: { 'tx.amount': 950, 'f.source.count_1m': 1 } });
  assert.deepEqual(JSON.parse(flagged?.headers?.[SHADOW_HEADER] ?? '[]'), ['trial']);
  assert.equal(plain?.headers?.[EVIDENCE_HEADER], undefined, 'legit decisions carry no evidence');
  assert.deepEqual(JSON.parse(plain?.headers?.[SHADOW_HEADER] ?? '[]'), ['trial']);
});

test('the input record reaches the output byte for byte, with the decision appended', () => {
  const text = '{ "source":"A","target":"B", "amount": 950.50, "currency":"EUR","note":"été" ,"id":"x1"}\n';
  const [output] = processor.process(toItems([aRecord(Buffer.from(text))])).outputs;
  const value = String(output?.value);
  assert.ok(value.startsWith('{ "source":"A","target":"B", "amount": 950.50, "currency":"EUR","note":"été" ,"id":"x1","decision":{'), value);
  assert.equal((JSON.parse(value) as { decision: { verdict: string } }).decision.verdict, 'fraud');
});

test('an input with a decision key or a null id is printed whole, so no key appears twice', () => {
  for (const input of [{ ...aTransaction(), decision: 'mine' }, { ...aTransaction(), id: null }]) {
    const [output] = processor.process(toItems([aRecord(input, { partition: 2, offset: 5 })])).outputs;
    const value = String(output?.value);
    assert.equal(value.match(/"decision":/g)?.length, 1, value);
    assert.equal(value.match(/"id":/g)?.length, 1, value);
  }
});
