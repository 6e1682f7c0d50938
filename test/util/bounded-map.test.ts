import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedMap } from '../../src/util/bounded-map.ts';

test('keeps at most its capacity, forgetting the oldest first', () => {
  const map = new BoundedMap<string, number>(3);
  for (const [key, value] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) map.set(key, value);
  assert.equal(map.size, 3);
  assert.equal(map.get('a'), undefined);
  assert.deepEqual([...map.values()], [2, 3, 4]);
});

test('setting a key again makes it the newest', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1);
  map.set('b', 2);
  map.set('a', 10);
  map.set('c', 3);
  assert.equal(map.get('a'), 10);
  assert.equal(map.get('b'), undefined);
  assert.deepEqual([...map.values()], [10, 3]);
});

test('a deleted key does not make a later one leave early', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1);
  map.delete('a');
  map.set('b', 2);
  map.set('c', 3);
  assert.deepEqual([...map.values()], [2, 3]);
});

test('stays fast and bounded over many evictions', () => {
  const map = new BoundedMap<number, number>(1000);
  for (let i = 0; i < 200_000; i++) map.set(i, i);
  assert.equal(map.size, 1000);
  assert.equal(map.get(199_999), 199_999);
  assert.equal(map.get(198_999), undefined);
});
