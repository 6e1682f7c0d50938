import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toDeadLetter } from '../../src/domain/dead-letter.ts';

const where = { topic: 'queuing.transactions', partition: 2, offset: 41 };

test('keeps a UTF-8 payload as text with where it came from', () => {
  const letter = toDeadLetter({ ...where, value: Buffer.from('not json') }, { error: 'NOT_JSON', reason: 'bad' }, 100);
  assert.deepEqual(
    { ...letter },
    { error: 'NOT_JSON', reason: 'bad', ...where, payload: 'not json', payloadEncoding: 'utf8', payloadBytes: 8, payloadTruncated: false },
  );
});

test('keeps bytes that are not UTF-8 as base64', () => {
  const bytes = Buffer.from([0xff, 0x00, 0x80]);
  const letter = toDeadLetter({ ...where, value: bytes }, { error: 'NOT_UTF8', reason: 'binary' }, 100);
  assert.equal(letter.payloadEncoding, 'base64');
  assert.deepEqual(Buffer.from(letter.payload, 'base64'), bytes);
});

test('cuts a huge payload to the limit and says so', () => {
  const letter = toDeadLetter({ ...where, value: Buffer.alloc(5000, 0x61) }, { error: 'TOO_LARGE', reason: 'big' }, 1000);
  assert.equal(letter.payload.length, 1000);
  assert.equal(letter.payloadBytes, 5000);
  assert.equal(letter.payloadTruncated, true);
});

test('a record without a value has an empty payload', () => {
  const letter = toDeadLetter({ ...where, value: null }, { error: 'EMPTY', reason: 'empty' }, 100);
  assert.equal(letter.payload, '');
  assert.equal(letter.payloadBytes, 0);
});
