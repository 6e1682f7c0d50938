import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Base } from '@platformatic/kafka';
import { retryDelay } from '../../src/log/kafka/options.ts';

/** An error as the client reports a broker's answer: findBy looks for the API error among its causes. */
function brokerError(apiId: string): Error {
  return Object.assign(new Error(apiId), { findBy: (property: string, value: unknown) => (property === 'apiId' && value === apiId ? {} : null) });
}

const client = {} as Base;

test('CONCURRENT_TRANSACTIONS is retried after 2 ms first, and the retries still wait about a second in all', () => {
  const waits = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(client, 'addOffsetsToTransaction', attempt, 6, brokerError('CONCURRENT_TRANSACTIONS')));
  assert.equal(waits[0], 2);
  assert.deepEqual(waits, [...waits].sort((a, b) => a - b), 'the waits grow');
  const total = waits.reduce((sum, wait) => sum + (wait as number), 0);
  assert.ok(total >= 1000, `the six retries cover ${total} ms`);
});

test('other retried errors back off from 25 ms with jitter, at most 1 s', () => {
  for (let attempt = 1; attempt <= 8; attempt++) {
    const base = Math.min(1000, 25 * 2 ** (attempt - 1));
    const wait = retryDelay(client, 'fetch', attempt, 8, brokerError('NOT_LEADER_OR_FOLLOWER'));
    assert.ok(wait >= base / 2 && wait <= base, `attempt ${attempt}: ${wait} ms within ${base / 2}..${base}`);
  }
});
