import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FeedbackRecord, FeedbackView, RulesView, StatsView } from '../../src/dashboard/index.ts';
import { readAll } from '../helpers/log.ts';
import { aDecision, built, eventually, openPipeline, type Pipeline } from './fixtures.ts';

const TOKEN = 'a-test-token-of-32-characters!!!';
const JSON_TYPE = { 'content-type': 'application/json' };

type App = Awaited<ReturnType<typeof built>>;

/** Waits until the dashboard has read `count` decisions since it started. */
async function decided(app: App, count: number): Promise<void> {
  await eventually(async () => ((await app.inject({ url: '/api/stats' })).json<StatsView>().transactions >= count ? true : undefined), 5000, `${count} decisions`);
}

function post(app: App, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/feedback', headers: { ...JSON_TYPE, ...headers }, payload: JSON.stringify(body) });
}

async function feedbackRecords(pipeline: Pipeline): Promise<Array<{ key: string; value: FeedbackRecord }>> {
  const records = await readAll(pipeline.log, pipeline.topics.feedback);
  return records.map((record) => ({ key: record.key?.toString('utf8') ?? '', value: JSON.parse(record.value?.toString('utf8') ?? '{}') as FeedbackRecord }));
}

describe('feedback (POST /api/feedback, GET /api/feedback)', () => {
  test('a verdict on a known alert is written to the feedback topic, keyed by transaction id, with the detector\'s verdict and rules', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const alert = aDecision({ verdict: 'fraud', reasons: [{ rule: 'velocity-burst', detail: '7 payments' }, { rule: 'seed-large-amount', detail: 'big' }] });
    await pipeline.write(alert);
    await decided(app, 1);

    const before = Date.now();
    // The browser claims another verdict: the record keeps the detector's.
    const response = await post(app, { id: alert.id, label: 'fraud', analyst: 'ana' });
    assert.equal(response.statusCode, 201, response.body);
    const records = await feedbackRecords(pipeline);
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record?.key, alert.id);
    const { at, ...rest } = record?.value ?? ({} as FeedbackRecord);
    assert.deepEqual(rest, { id: alert.id, label: 'fraud', verdict: 'fraud', rules: ['velocity-burst', 'seed-large-amount'], rulesVersion: 'test-1', analyst: 'ana' });
    assert.ok(Date.parse(at ?? '') >= before - 1000, 'at is an ISO time of now');
    assert.deepEqual(response.json().record, record?.value);
    // And as a label for the detector and `fraud train`: confirmed fraud, known from now.
    const labels = await readAll(pipeline.log, pipeline.topics.labels);
    assert.equal(labels.length, 1);
    const label = JSON.parse(labels[0]?.value?.toString('utf8') ?? '{}') as { id: string; fraud: boolean; knownAt: number; source: string };
    assert.equal(labels[0]?.key?.toString('utf8'), alert.id);
    assert.deepEqual({ id: label.id, fraud: label.fraud, source: label.source }, { id: alert.id, fraud: true, source: 'analyst' });
    assert.ok(label.knownAt >= before - 1000 && label.knownAt <= Date.now(), 'known from the verdict on');

    const view = await eventually(async () => {
      const current = (await app.inject({ url: '/api/feedback' })).json<FeedbackView>();
      return current.reviews.length === 1 ? current : undefined;
    }, 5000, 'the verdict read back');
    assert.deepEqual(view.reviews[0], { id: alert.id, label: 'fraud', analyst: 'ana', at });
    assert.deepEqual(view.precision.overall, { confirmed: 1, falsePositives: 0, precision: 1 });
  });

  test('a body that is not the schema is refused with 400 and the reason; a non-JSON type with 415', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const alert = aDecision({ verdict: 'review' });
    await pipeline.write(alert);
    await decided(app, 1);
    const cases: Array<[unknown, RegExp]> = [
      [{ id: alert.id, label: 'maybe' }, /label/],
      [{ id: alert.id }, /label/],
      [{ label: 'fraud' }, /id/],
      [{ id: '', label: 'fraud' }, /id: must not be empty/],
      [{ id: alert.id, label: 'fraud', verdict: 'legit' }, /verdict|unrecognized/i],
      [{ id: alert.id, label: 'fraud', analyst: 'x\ny' }, /analyst/],
      [[alert.id, 'fraud'], /body|expected object/i],
    ];
    for (const [body, reason] of cases) {
      const response = await post(app, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.match(response.json().message, reason, JSON.stringify(body));
    }
    assert.equal((await app.inject({ method: 'POST', url: '/api/feedback', headers: JSON_TYPE, payload: '{"id": ' })).statusCode, 400);
    const plain = await app.inject({ method: 'POST', url: '/api/feedback', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ id: alert.id, label: 'fraud' }) });
    assert.equal(plain.statusCode, 415);
    assert.equal((await feedbackRecords(pipeline)).length, 0, 'nothing written');
  });

  test('a verdict on an id the server does not know, or on a legit decision, is 404', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const legit = aDecision();
    await pipeline.write(legit);
    await decided(app, 1);
    assert.equal((await post(app, { id: 'tx-never-seen', label: 'fraud' })).statusCode, 404);
    assert.equal((await post(app, { id: legit.id, label: 'legit' })).statusCode, 404, 'only alerts are reviewed');
  });

  test('alerts read as history at start can be reviewed too', async (t) => {
    const pipeline = await openPipeline(t);
    const alert = aDecision({ verdict: 'fraud' });
    await pipeline.write(alert);
    const app = await built(pipeline);
    assert.equal((await post(app, { id: alert.id, label: 'legit' })).statusCode, 201);
  });

  test('a cross-site request is refused with 403 whatever its body; same-origin and non-browser requests pass', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const alert = aDecision({ verdict: 'fraud' });
    await pipeline.write(alert);
    await decided(app, 1);
    const body = { id: alert.id, label: 'fraud' };
    const refused: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://localhost:3000' }, // another port of this host is another origin
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://localhost:80' },
    ];
    for (const headers of refused) {
      const response = await post(app, body, headers);
      assert.equal(response.statusCode, 403, JSON.stringify(headers));
      assert.match(response.json().message, /cross-site/);
    }
    assert.equal((await feedbackRecords(pipeline)).length, 0);
    assert.equal((await post(app, body, { origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' })).statusCode, 201);
    assert.equal((await post(app, body, { origin: 'http://localhost:80' })).statusCode, 201, 'Origin matching Host');
    assert.equal((await post(app, body)).statusCode, 201, 'neither header: not a browser');
  });

  test('with a token, a verdict needs it (header or session cookie)', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline, pipeline.options({ host: '0.0.0.0', token: TOKEN }));
    const alert = aDecision({ verdict: 'fraud' });
    await pipeline.write(alert);
    const auth = { authorization: `Bearer ${TOKEN}` };
    await eventually(async () => ((await app.inject({ url: '/api/stats', headers: auth })).json<StatsView>().transactions >= 1 ? true : undefined));
    const body = { id: alert.id, label: 'fraud' };
    assert.equal((await post(app, body)).statusCode, 401);
    assert.equal((await post(app, body, { authorization: 'Bearer not-the-token-not-the-token' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/feedback' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/rules' })).statusCode, 401);
    assert.equal((await post(app, body, auth)).statusCode, 201);
    const login = await app.inject({ url: `/?token=${encodeURIComponent(TOKEN)}` });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    assert.equal((await post(app, body, { cookie, origin: 'http://localhost:80' })).statusCode, 201);
    assert.equal((await post(app, body, { cookie, origin: 'https://evil.example' })).statusCode, 403, 'the cookie alone is not enough');
  });

  test('verdicts already on the topic are read at start: a restarted server knows the reviewed alerts and their precision', async (t) => {
    const pipeline = await openPipeline(t);
    const first = await built(pipeline);
    const alerts = [aDecision({ verdict: 'fraud' }), aDecision({ verdict: 'review' })];
    await pipeline.write(...alerts);
    await decided(first, 2);
    assert.equal((await post(first, { id: alerts[0]?.id, label: 'fraud' })).statusCode, 201);
    assert.equal((await post(first, { id: alerts[1]?.id, label: 'legit' })).statusCode, 201);
    await first.close();
    const second = await built(pipeline);
    const view = await eventually(async () => {
      const current = (await second.inject({ url: '/api/feedback' })).json<FeedbackView>();
      return current.reviews.length === 2 ? current : undefined;
    }, 5000, 'two verdicts read back');
    assert.deepEqual(view.reviews.map((review) => [review.id, review.label]), [[alerts[1]?.id, 'legit'], [alerts[0]?.id, 'fraud']]);
    const rules = (await second.inject({ url: '/api/rules' })).json<RulesView>();
    assert.deepEqual(rules.precision, { confirmed: 1, falsePositives: 1, precision: 0.5 });
    assert.deepEqual(rules.rules.find((rule) => rule.id === 'seed-large-amount')?.feedback, { confirmed: 1, falsePositives: 1, precision: 0.5 });
  });
});
