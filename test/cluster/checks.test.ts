import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkView, parseOutput, type InputRecord, type OutputRecord } from './checks.ts';

const inputs: InputRecord[] = [
  { id: 'a', partition: 0, offset: 0 },
  { id: 'b', partition: 0, offset: 1 },
  { id: 'c', partition: 1, offset: 0 },
  { id: 'd', partition: 0, offset: 2 },
];

const out = (id: string, offset: number, topic: OutputRecord['topic'] = 'legit', partition = 0): OutputRecord => ({ topic, partition, offset, id });

test('every input decided once, in order: a clean view', () => {
  const view = checkView(inputs, [out('a', 0), out('b', 3), out('c', 4), out('d', 9)]);
  assert.deepEqual({ ...view, examples: [] }, { outputs: 4, unique: 4, duplicates: 0, losses: 0, extras: 0, outOfOrder: [], examples: [] });
});

test('a decision written twice, one missing and one answering nothing are each counted', () => {
  const view = checkView(inputs, [out('a', 0), out('a', 1), out('b', 2), out('c', 3), out('zz', 4)]);
  assert.equal(view.duplicates, 1);
  assert.equal(view.losses, 1, 'd has no decision');
  assert.equal(view.extras, 1);
  assert.ok(view.examples.some((example) => example.startsWith('a x2')));
});

test('two decisions of one input partition swapped in an output partition break the order', () => {
  const view = checkView(inputs, [out('b', 0), out('a', 1), out('c', 2), out('d', 3)]);
  assert.equal(view.outOfOrder.length, 1);
  assert.match(view.outOfOrder[0] ?? '', /input 0:0 \(a\) after input 0:1 \(b\)/);
});

test('order is per output partition and per input partition: legit and fraud interleave freely', () => {
  const view = checkView(inputs, [out('b', 0, 'fraud'), out('a', 5, 'legit'), out('d', 1, 'fraud'), out('c', 0, 'legit', 1)]);
  assert.deepEqual(view.outOfOrder, []);
});

test('a decision and a dead letter name their topic and input', () => {
  assert.deepEqual(parseOutput('{"id":"x","decision":{"verdict":"review"}}', 2, 7), { topic: 'fraud', partition: 2, offset: 7, id: 'x' });
  assert.deepEqual(parseOutput('{"id":"y","decision":{"verdict":"legit"}}', 1, 3), { topic: 'legit', partition: 1, offset: 3, id: 'y' });
  assert.deepEqual(parseOutput('{"error":"NOT_JSON","payload":"{\\"id\\":\\"z\\"}"}', 0, 1), { topic: 'dead-letter', partition: 0, offset: 1, id: 'z' });
  assert.throws(() => parseOutput('{"x":1}', 0, 0));
});
