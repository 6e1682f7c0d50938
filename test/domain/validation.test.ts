import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeadLetterCode } from '../../src/domain/dead-letter.ts';
import { parseTransaction } from '../../src/domain/validation.ts';

const limits = { maxRecordBytes: 1024 };
const valid = { source: 'A', target: 'B', amount: 12.5, currency: 'EUR' };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

test("a message with only the seed's four fields is valid", () => {
  const result = parseTransaction(json(valid), limits);
  assert.equal(result.ok, true);
});

test('optional context fields and unknown fields are accepted and kept', () => {
  const input = { ...valid, id: 'x1', timestamp: '2026-03-01T10:00:00Z', lat: 48.8, lon: 2.3, country: 'FR', mcc: '5411', loyalty: { tier: 'gold' } };
  const result = parseTransaction(json(input), limits);
  assert.ok(result.ok);
  assert.deepEqual(result.transaction, input);
});

test('epoch milliseconds are a valid timestamp', () => {
  assert.equal(parseTransaction(json({ ...valid, timestamp: 1_767_225_600_000 }), limits).ok, true);
});

const badInputs: Array<[string, Buffer | null, DeadLetterCode, RegExp?]> = [
  ['no value at all', null, 'EMPTY'],
  ['an empty value', Buffer.alloc(0), 'EMPTY'],
  ['over the size limit', json({ ...valid, note: 'x'.repeat(2000) }), 'TOO_LARGE', /over the limit of 1024/],
  ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'NOT_UTF8'],
  ['not JSON', Buffer.from('source=A;amount=5'), 'NOT_JSON'],
  ['truncated JSON', Buffer.from('{"source":"A","amount":'), 'NOT_JSON'],
  ['unclosed nesting', Buffer.from('['.repeat(1000)), 'NOT_JSON'],
  ['deeply nested JSON', Buffer.from(`{"source":"A","target":"B","amount":1,"currency":"EUR","x":${'['.repeat(300)}${']'.repeat(300)}}`), 'TOO_DEEP'],
  ['a JSON array', json([valid]), 'NOT_OBJECT', /array/],
  ['a JSON string', json('hello'), 'NOT_OBJECT'],
  ['JSON null', Buffer.from('null'), 'NOT_OBJECT'],
  ['source missing', json({ target: 'B', amount: 1, currency: 'EUR' }), 'MISSING_FIELD', /source is missing/],
  ['amount missing', json({ source: 'A', target: 'B', currency: 'EUR' }), 'MISSING_FIELD', /amount is missing/],
  ['source is a number', json({ ...valid, source: 42 }), 'WRONG_TYPE', /source/],
  ['target is empty', json({ ...valid, target: '' }), 'WRONG_TYPE', /target/],
  ['amount is a string', json({ ...valid, amount: '12.50' }), 'INVALID_AMOUNT'],
  ['amount is zero', json({ ...valid, amount: 0 }), 'INVALID_AMOUNT'],
  ['amount is negative', json({ ...valid, amount: -3 }), 'INVALID_AMOUNT'],
  ['amount overflows to Infinity', Buffer.from('{"source":"A","target":"B","amount":1e400,"currency":"EUR"}'), 'INVALID_AMOUNT'],
  ['amount is "NaN"', json({ ...valid, amount: 'NaN' }), 'INVALID_AMOUNT'],
  ['amount is "Infinity"', json({ ...valid, amount: 'Infinity' }), 'INVALID_AMOUNT'],
  ['currency is lower case', json({ ...valid, currency: 'eur' }), 'INVALID_CURRENCY'],
  ['currency is a symbol', json({ ...valid, currency: '€' }), 'INVALID_CURRENCY'],
  ['timestamp is a date in words', json({ ...valid, timestamp: 'March 7' }), 'INVALID_TIMESTAMP'],
  ['timestamp is an impossible date', json({ ...valid, timestamp: '2026-13-45T00:00:00Z' }), 'INVALID_TIMESTAMP'],
  ['timestamp is negative', json({ ...valid, timestamp: -5 }), 'INVALID_TIMESTAMP'],
  ['latitude out of range', json({ ...valid, lat: 123 }), 'WRONG_TYPE', /lat/],
  ['a huge source string', json({ ...valid, source: 'A'.repeat(600) }), 'WRONG_TYPE', /source/],
];

for (const [name, value, code, reason] of badInputs) {
  test(`dead-letters ${name} as ${code}`, () => {
    const result = parseTransaction(value, limits);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error, code);
    assert.ok(result.reason.length > 0, 'a reason is given');
    if (reason) assert.match(result.reason, reason);
  });
}

test('a missing field is reported before a malformed one', () => {
  const result = parseTransaction(json({ source: 5, amount: 1, currency: 'EUR' }), limits);
  assert.ok(!result.ok);
  assert.equal(result.error, 'MISSING_FIELD');
  assert.match(result.reason, /target is missing.*source must be/);
});
