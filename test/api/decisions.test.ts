import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idFromKey } from '../../src/api/index.ts';
import { DecidedTransactionSchema } from '../../src/api/schemas.ts';
import { eventually } from '../helpers/log.ts';
import { aPayment, bodyOf, embeddedApi } from './fixtures.ts';

test('200 answers the decided record: the same bytes as the output topic, one transaction written, one decision', async (t) => {
  const api = await embeddedApi(t);
  api.startDetector();
  const payment = aPayment({ amount: 950, country: 'FR', note: 'unknown fields are kept' });
  const response = await api.post(payment);
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const decided = DecidedTransactionSchema.parse(response.json());
  assert.equal(decided.id, payment.id);
  assert.equal(decided.decision.verdict, 'fraud', 'the seed ruleset flags 900 EUR and more');
  assert.equal((decided as Record<string, unknown>).note, 'unknown fields are kept');
  assert.deepEqual(await api.values(api.topics.fraud), [response.body], 'the answer is the record on the fraud topic, byte for byte');
  assert.deepEqual(await api.values(api.topics.transactions), [JSON.stringify(payment)], 'the request body is what the detector read');
  assert.deepEqual(await api.values(api.topics.legit), []);
});

test('the seed four fields alone, no id: every request is its own transaction with an id of its own', async (t) => {
  const api = await embeddedApi(t);
  api.startDetector();
  const body = '{"source":"a","target":"b","amount":950,"currency":"EUR"}';
  const first = await api.post(body, { 'content-type': 'application/x-www-form-urlencoded' }); // what curl -d sends
  const second = await api.post(body);
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(second.statusCode, 200, second.body);
  const ids = [bodyOf(first).id, bodyOf(second).id];
  assert.notEqual(ids[0], ids[1]);
  assert.deepEqual((await api.decisions()).sort(), [first.body, second.body].sort());
});

test('one Idempotency-Key, concurrent and repeated requests: one transaction written, one decision, the same answer to all', async (t) => {
  const api = await embeddedApi(t);
  api.startDetector();
  const { id: _none, ...withoutId } = aPayment({ amount: 120 });
  const key = 'order-4711-attempt';
  const concurrent = await Promise.all(Array.from({ length: 25 }, () => api.post(withoutId, { 'idempotency-key': key })));
  const later = [await api.post(withoutId, { 'idempotency-key': key }), await api.post(withoutId, { 'idempotency-key': key })];
  const answers = [...concurrent, ...later];
  for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
  assert.equal(new Set(answers.map((answer) => answer.body)).size, 1, 'every request got the first answer');
  assert.equal(bodyOf(answers[0]!).id, idFromKey(key), 'the id is derived from the key, the same on any API instance');
  assert.equal(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true').length, answers.length - 1);
  assert.equal((await api.values(api.topics.transactions)).length, 1, 'written once');
  assert.deepEqual(await api.decisions(), [answers[0]!.body], 'decided once');
});

test("the transaction's own id is the default key: retries of it are one decision; another body under it is refused (409)", async (t) => {
  const api = await embeddedApi(t);
  api.startDetector();
  const payment = aPayment();
  const answers = await Promise.all(Array.from({ length: 10 }, () => api.post(payment)));
  assert.deepEqual(new Set(answers.map((answer) => answer.statusCode)), new Set([200]));
  assert.equal(new Set(answers.map((answer) => answer.body)).size, 1);
  const conflict = await api.post({ ...payment, amount: 9999 });
  assert.equal(conflict.statusCode, 409);
  assert.equal(bodyOf(conflict).error, 'FRAUD_API_KEY_REUSED');
  assert.equal((await api.values(api.topics.transactions)).length, 1, 'nothing written for the refused one');
  assert.equal((await api.decisions()).length, 1);
});

test('past the deadline: 503 with the fallback, the transaction still decided once later, and a retry then gets that decision', async (t) => {
  const api = await embeddedApi(t, { settings: { deadlineMs: 150, fallback: 'legit' } });
  const payment = aPayment();
  const started = Date.now();
  const timedOut = await api.post(payment); // no detector runs yet: nobody owns the partition
  const waited = Date.now() - started;
  assert.equal(timedOut.statusCode, 503, timedOut.body);
  assert.equal(timedOut.headers['retry-after'], '1');
  assert.deepEqual(bodyOf(timedOut), { error: 'FRAUD_DECISION_TIMEOUT', reason: bodyOf(timedOut).reason, fallback: 'legit', id: payment.id });
  assert.ok(waited >= 140, `answered after the deadline, not before (${waited} ms)`);
  assert.equal((await api.values(api.topics.transactions)).length, 1, 'the transaction is on the stream');
  const stillWaiting = await api.post(payment); // a retry while undecided: waits again, writes nothing
  assert.equal(stillWaiting.statusCode, 503);
  api.startDetector();
  assert.ok(await eventually(async () => (await api.decisions()).length === 1, 10_000, 20), 'decided on the stream');
  const retry = await api.post(payment);
  assert.equal(retry.statusCode, 200, retry.body);
  assert.deepEqual(await api.decisions(), [retry.body], 'the retry answers the decision the stream holds');
  assert.equal((await api.values(api.topics.transactions)).length, 1, 'still written once');
  const metrics = await api.metrics.registry.getSingleMetricAsString('fraud_api_late_decisions_total');
  assert.match(metrics, /fraud_api_late_decisions_total 1$/m);
});

test('429 past the bound of requests waiting, at once, with nothing written for the refused one', async (t) => {
  const api = await embeddedApi(t, { settings: { deadlineMs: 2_000, maxInFlight: 2 } });
  const waiting = [api.post(aPayment()), api.post(aPayment())];
  await eventually(async () => (await api.values(api.topics.transactions)).length === 2, 2_000, 5);
  const started = Date.now();
  const refused = await api.post(aPayment());
  assert.ok(Date.now() - started < 1_000, 'refused without waiting for the deadline');
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(bodyOf(refused).error, 'FRAUD_API_OVERLOADED');
  assert.deepEqual((await Promise.all(waiting)).map((answer) => answer.statusCode), [503, 503]);
  assert.equal((await api.values(api.topics.transactions)).length, 2, 'the refused request wrote nothing');
  const after = await api.post(aPayment()); // room again once the others were answered
  assert.equal(after.statusCode, 503);
});

test('a transaction the detector sends to the dead letter is answered with its code and the fallback, not a 200', async (t) => {
  const api = await embeddedApi(t, { maxRecordBytes: 65_536 });
  api.startDetector({ maxRecordBytes: 512 }); // a detector configured with a smaller limit than the API
  const response = await api.post(aPayment({ note: 'x'.repeat(1000) }));
  assert.equal(response.statusCode, 422, response.body);
  assert.equal(bodyOf(response).error, 'TOO_LARGE');
  assert.equal(bodyOf(response).fallback, 'review');
  assert.equal((await api.values(api.topics.deadLetter)).length, 1);
});
