import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeFeedRecord } from '../../src/dashboard/decode.ts';
import { LatencyWindow } from '../../src/dashboard/latency.ts';
import { isLoopback, urlFor } from '../../src/dashboard/options.ts';
import { RateWindow } from '../../src/dashboard/rate-window.ts';
import { RecentBuffer } from '../../src/dashboard/recent.ts';
import { Sampler } from '../../src/dashboard/sampler.ts';
import { Access, cookieValue } from '../../src/dashboard/security.ts';
import { sseFrame } from '../../src/dashboard/sse.ts';
import type { FeedItem } from '../../src/dashboard/types.ts';
import type { LogRecord } from '../../src/log/types.ts';

const item = (verdict: 'legit' | 'review' | 'fraud', live = true): FeedItem => ({
  kind: 'decision',
  verdict,
  json: '{}',
  timestamp: 0,
  latencyMs: undefined,
  live,
  facts: { id: 'tx', rules: [], shadow: [], rulesVersion: 'v1' },
  evidence: undefined,
});

function record(overrides: Partial<LogRecord>): LogRecord {
  return { topic: 'legit', partition: 0, offset: 0, key: null, value: null, timestamp: 1000, headers: {}, ...overrides };
}

describe('dashboard parts', () => {
  test('the sampler keeps everything below the threshold, then every flagged decision and a trickle of legit ones', () => {
    const sampler = new Sampler({ sampleAbovePerSecond: 50, sampledLegitPerSecond: 10, maxEventsPerSecond: 10_000 });
    const start = 1_000_000;
    let legitKept = 0;
    let flaggedKept = 0;
    for (let i = 0; i < 50; i++) assert.equal(sampler.admit(item('legit'), start), true, 'below the threshold');
    for (let i = 0; i < 1000; i++) {
      if (sampler.admit(item('legit'), start + i / 2)) legitKept++;
      if (sampler.admit(item(i % 2 ? 'fraud' : 'review'), start + i / 2)) flaggedKept++;
    }
    assert.equal(flaggedKept, 1000);
    // A full bucket of 10, then 10/s over the half second: about 15.
    assert.ok(legitKept >= 10 && legitKept <= 16, `legit kept at about 10/s, got ${legitKept}`);
    assert.equal(sampler.sampling(start + 500), true);
    assert.equal(sampler.sampling(start + 3000), false, 'sampling ends when the rate falls');
    assert.equal(sampler.admit(item('legit', false), start + 500), true, 'history is never sampled');
  });

  test('the sampler ceiling bounds every event, flagged ones included', () => {
    const sampler = new Sampler({ sampleAbovePerSecond: 50, sampledLegitPerSecond: 10, maxEventsPerSecond: 100 });
    let kept = 0;
    for (let i = 0; i < 500; i++) if (sampler.admit(item('fraud'), 5_000_000)) kept++;
    assert.equal(kept, 100);
  });

  test('the recent buffer keeps the newest items in time order and a fixed size', () => {
    const buffer = new RecentBuffer<{ timestamp: number; name: string }>(3);
    for (const [timestamp, name] of [[5, 'e'], [1, 'a'], [3, 'c'], [4, 'd'], [2, 'b'], [6, 'f']] as const) buffer.push({ timestamp, name });
    assert.deepEqual(buffer.items().map((entry) => entry.name), ['d', 'e', 'f']);
    buffer.push({ timestamp: 0, name: 'too old' });
    assert.equal(buffer.size, 3);
  });

  test('rates are per second over completed seconds, not diluted right after start', () => {
    const window = new RateWindow(61);
    const start = 1_700_000_000_000;
    for (let second = 0; second < 4; second++) window.add(start + second * 1000, 20);
    assert.equal(window.perSecond(start + 4000, 10, start), 20);
    assert.equal(window.perSecond(start + 4000, 60), 80 / 60);
    assert.equal(window.perSecond(start + 200_000, 60, start), 0, 'old seconds leave the window');
  });

  test('latency percentiles cover about the last minute', () => {
    const latency = new LatencyWindow(0);
    for (let i = 1; i <= 100; i++) latency.record(i, 1000);
    const early = latency.percentiles(2000);
    assert.equal(early.count, 100);
    assert.ok(Math.abs((early.p50 ?? 0) - 50) <= 1);
    assert.ok(Math.abs((early.p99 ?? 0) - 99) <= 1);
    assert.equal(latency.percentiles(200_000).count, 0);
    assert.equal(latency.percentiles(200_000).p50, null);
  });

  test('decoding output records: verdict, latency from the header, one line of JSON, junk skipped', () => {
    const value = Buffer.from(JSON.stringify({ id: 'a', decision: { verdict: 'fraud' } }, null, 2));
    const decoded = decodeFeedRecord(record({ value, timestamp: 1500, headers: { 'fraud-input-timestamp': '1450' } }), { deadLetterTopic: 'dlq', live: true });
    assert.ok(!('skipped' in decoded));
    assert.equal(decoded.kind, 'decision');
    assert.equal(decoded.kind === 'decision' && decoded.verdict, 'fraud');
    assert.equal(decoded.latencyMs, 50);
    assert.ok(!decoded.json.includes('\n'));
    assert.ok('skipped' in decodeFeedRecord(record({ value: Buffer.from('{"decision":{"verdict":"maybe"}}') }), { deadLetterTopic: 'dlq', live: true }));
    assert.ok('skipped' in decodeFeedRecord(record({ value: Buffer.from('not json') }), { deadLetterTopic: 'dlq', live: true }));
    const dead = decodeFeedRecord(record({ topic: 'dlq', value: Buffer.from('{"error":"NOT_JSON"}') }), { deadLetterTopic: 'dlq', live: false });
    assert.equal('kind' in dead && dead.kind, 'dead-letter');
  });

  test('SSE frames put every line of data in its own field', () => {
    assert.equal(sseFrame('decision', '{"a":1}', 'e-1'), 'id: e-1\nevent: decision\ndata: {"a":1}\n\n');
    assert.equal(sseFrame('x', 'one\ntwo'), 'event: x\ndata: one\ndata: two\n\n');
  });

  test('loopback addresses, URLs and cookies', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
    assert.equal(urlFor('0.0.0.0', 80), 'http://127.0.0.1:80/');
    assert.equal(urlFor('::', 5000), 'http://[::1]:5000/');
    assert.equal(cookieValue('a=1; fraud_dashboard_session=xyz; b=2', 'fraud_dashboard_session'), 'xyz');
    assert.equal(cookieValue(undefined, 'x'), undefined);
  });

  test('access: the token by header, query or derived cookie; without a token, local Host names only', () => {
    const token = 'token-token-token-token';
    const access = new Access(token);
    assert.equal(access.check({ authorization: `Bearer ${token}` }, undefined).ok, true);
    assert.deepEqual(access.check({}, token), { ok: true, viaQuery: true });
    const cookie = access.sessionCookie().split(';')[0] ?? '';
    assert.equal(access.check({ cookie }, undefined).ok, true);
    assert.equal(access.check({ authorization: 'Bearer token-token-token-tokeN' }, undefined).ok, false);
    assert.equal(access.check({ host: 'localhost:5000' }, undefined).ok, false, 'a local Host is not a token');
    const open = new Access(undefined);
    assert.equal(open.check({ host: 'localhost:5000' }, undefined).ok, true);
    assert.equal(open.check({ host: 'evil.example' }, undefined).ok, false);
    assert.equal(open.check({}, undefined).ok, false);
  });
});
