import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadLetterCodes } from '../../src/domain/dead-letter.ts';
import { REQUIRED_FIELDS } from '../../src/domain/transaction.ts';
import { eventually } from '../helpers/log.ts';
import { aPayment, bodyOf, embeddedApi } from './fixtures.ts';

/** Invalid bodies, one per dead-letter code a request can earn. */
const INVALID: Array<{ body: string; code: string }> = [
  { body: '', code: 'EMPTY' },
  { body: '{"source":', code: 'NOT_JSON' },
  { body: '[1,2]', code: 'NOT_OBJECT' },
  { body: JSON.stringify({ target: 'b', amount: 1, currency: 'EUR' }), code: 'MISSING_FIELD' },
  { body: JSON.stringify({ source: 'a', target: 'b', amount: -5, currency: 'EUR' }), code: 'INVALID_AMOUNT' },
  { body: JSON.stringify({ source: 'a', target: 'b', amount: 5, currency: 'euro' }), code: 'INVALID_CURRENCY' },
  { body: JSON.stringify({ source: 'a', target: 'b', amount: 5, currency: 'EUR', timestamp: 'March 7' }), code: 'INVALID_TIMESTAMP' },
  { body: JSON.stringify({ source: 'a', target: 7, amount: 5, currency: 'EUR' }), code: 'WRONG_TYPE' },
  { body: `${'['.repeat(40)}${']'.repeat(40)}`.replace(/^\[/, '{"a":[').replace(/\]$/, ']}'), code: 'TOO_DEEP' },
];

test('400 with the very code the detector gives the same bytes, and nothing written', async (t) => {
  const api = await embeddedApi(t);
  for (const { body, code } of INVALID) {
    const response = await api.post(body);
    assert.equal(response.statusCode, 400, `${code}: ${response.body}`);
    assert.equal(bodyOf(response).error, code);
    assert.ok(bodyOf(response).reason.length > 0);
  }
  assert.deepEqual(await api.values(api.topics.transactions), [], 'no invalid request reached the log');
  // The same bytes written straight to the transactions topic: the detector's dead letters carry the same codes.
  const producer = await api.log.createProducer();
  await producer.send(INVALID.map(({ body }) => ({ topic: api.topics.transactions, key: 'k', value: body })));
  api.startDetector();
  assert.ok(await eventually(async () => (await api.values(api.topics.deadLetter)).length === INVALID.length, 10_000, 20));
  const codes = (await api.values(api.topics.deadLetter)).map((value) => (JSON.parse(value) as { error: string }).error);
  assert.deepEqual(codes.sort(), INVALID.map(({ code }) => code).sort());
});

test('413 TOO_LARGE for a body over the record size limit, nothing written', async (t) => {
  const api = await embeddedApi(t, { maxRecordBytes: 1024 });
  const response = await api.post(aPayment({ note: 'x'.repeat(2000) }));
  assert.equal(response.statusCode, 413);
  assert.equal(bodyOf(response).error, 'TOO_LARGE');
  assert.deepEqual(await api.values(api.topics.transactions), []);
});

test('401 without a valid bearer token where one is set; /healthz stays open for probes', async (t) => {
  const token = 'a-token-of-sixteen-chars';
  const api = await embeddedApi(t, { settings: { token } });
  api.startDetector();
  const none = await api.post(aPayment());
  assert.equal(none.statusCode, 401);
  assert.equal(bodyOf(none).error, 'FRAUD_API_UNAUTHORIZED');
  assert.match(String(none.headers['www-authenticate']), /^Bearer/);
  const wrong = await api.post(aPayment(), { authorization: `Bearer ${token}x` });
  assert.equal(wrong.statusCode, 401);
  assert.equal((await api.app.inject({ url: '/metrics' })).statusCode, 401);
  assert.deepEqual(await api.values(api.topics.transactions), [], 'refused requests wrote nothing');
  const right = await api.post(aPayment(), { authorization: `Bearer ${token}` });
  assert.equal(right.statusCode, 200, right.body);
  const health = await api.app.inject({ url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.equal(health.json<{ status: string }>().status, 'ok');
});

test('without a token: other host names (DNS rebinding) and cross-site browser requests are refused (403)', async (t) => {
  const api = await embeddedApi(t);
  const rebound = await api.post(aPayment(), { host: 'attacker.example:5100' });
  assert.equal(rebound.statusCode, 403);
  assert.equal(bodyOf(rebound).error, 'FRAUD_API_FORBIDDEN');
  const crossSite = await api.post(aPayment(), { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' });
  assert.equal(crossSite.statusCode, 403);
  assert.deepEqual(await api.values(api.topics.transactions), []);
});

test('GET /v1/openapi.json is OpenAPI 3.1 with the transaction schema that validates', async (t) => {
  const api = await embeddedApi(t);
  const response = await api.app.inject({ url: '/v1/openapi.json' });
  assert.equal(response.statusCode, 200);
  const doc = response.json<{
    openapi: string;
    paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    components: { schemas: Record<string, { required?: string[]; properties?: Record<string, { pattern?: string }> }> };
  }>();
  assert.equal(doc.openapi, '3.1.0');
  const transaction = doc.components.schemas.Transaction;
  assert.deepEqual([...(transaction?.required ?? [])].sort(), [...REQUIRED_FIELDS].sort());
  assert.equal(transaction?.properties?.currency?.pattern, '^[A-Z]{3}$');
  const statuses = Object.keys(doc.paths['/v1/decisions']?.post?.responses ?? {}).sort();
  assert.deepEqual(statuses, ['200', '400', '401', '403', '409', '413', '422', '429', '500', '503']);
  const invalid = doc.components.schemas.Invalid as { properties: { error: { enum: string[] } } };
  assert.ok(invalid.properties.error.enum.includes('MISSING_FIELD'));
  assert.ok(Object.keys(DeadLetterCodes).every((code) => code === 'DECIDE_FAILED' || invalid.properties.error.enum.includes(code)));
});

test('/metrics has the request latency histogram by route and status; unknown paths answer 404 with a code', async (t) => {
  const api = await embeddedApi(t);
  api.startDetector();
  assert.equal((await api.post(aPayment())).statusCode, 200);
  assert.equal((await api.post('nope')).statusCode, 400);
  const missing = await api.app.inject({ url: '/v2/nothing' });
  assert.equal(missing.statusCode, 404);
  assert.equal(bodyOf(missing).error, 'FRAUD_API_NOT_FOUND');
  const text = (await api.app.inject({ url: '/metrics' })).body;
  assert.match(text, /fraud_api_request_seconds_bucket\{le="0\.025",route="\/v1\/decisions",status="200"\} [01]\n/, 'buckets fine enough for a 25 ms budget');
  assert.match(text, /fraud_api_request_seconds_bucket\{le="\+Inf",route="\/v1\/decisions",status="200"\} 1\n/);
  assert.match(text, /fraud_api_request_seconds_count\{route="\/v1\/decisions",status="400"\} 1/);
  assert.match(text, /fraud_api_outcomes_total\{outcome="decided"\} 1/);
});

test("a DUPLICATE_ID dead letter for the request's id answers with the original decision it carries", async (t) => {
  // The detector-side duplicate suppression is written as the lead specified it: a second
  // transaction with an id already decided goes to the dead letter with `original`, the
  // first decision's record. Until it lands, this writes such a dead letter itself.
  const api = await embeddedApi(t);
  const payment = aPayment();
  const original = JSON.stringify({ ...payment, decision: { verdict: 'legit', score: 0, reasons: [], rules: 'seed-1', decidedAt: new Date().toISOString() } });
  const answer = api.post(payment);
  await eventually(async () => (await api.values(api.topics.transactions)).length === 1, 2_000, 5);
  const producer = await api.log.createProducer();
  const deadLetter = { error: 'DUPLICATE_ID', reason: 'already decided', topic: api.topics.transactions, partition: 0, offset: 0, payload: JSON.stringify(payment), payloadEncoding: 'utf8', payloadBytes: 10, payloadTruncated: false, original };
  await producer.send([{ topic: api.topics.deadLetter, key: String(payment.source), value: JSON.stringify(deadLetter) }]);
  const response = await answer;
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.body, original);
});
