import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import type { DecidedTransaction } from '../../src/domain/decision.ts';
import { aDeadLetter, aDecision, eventually, openPipeline, started } from './fixtures.ts';
import { SseReader } from './sse-reader.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const idOf = (data: string): string => (JSON.parse(data) as DecidedTransaction).id;

describe('live stream (GET /events over HTTP)', () => {
  test('a new connection receives the recent decisions first, oldest to newest, then live ones', async (t) => {
    const pipeline = await openPipeline(t);
    const written: string[] = [];
    for (let i = 0; i < 8; i++) {
      const decision = aDecision({ verdict: i % 3 === 0 ? 'fraud' : 'legit' });
      written.push(decision.id);
      await pipeline.write(decision);
      await pause(3); // distinct log timestamps: history is ordered by them across partitions
    }
    const dashboard = await started(pipeline, pipeline.options({ recentDecisions: 5 }));
    const reader = await SseReader.open(new URL('/events', dashboard.url).href);
    pipeline.defer(() => reader.close());
    assert.equal(reader.response.statusCode, 200);
    assert.match(String(reader.response.headers['content-type']), /^text\/event-stream/);
    assert.match(String(reader.response.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(reader.response.headers['x-content-type-options'], 'nosniff');

    const history = await reader.waitFor('decision', 5);
    const hello = JSON.parse(reader.of('hello')[0]?.data ?? '{}') as { epoch: string; resumed: boolean; history: number };
    assert.deepEqual(hello, { epoch: hello.epoch, resumed: false, history: 5 });
    assert.match(hello.epoch, /^[0-9a-f]{8}$/);
    assert.deepEqual(history.map((event) => idOf(event.data)), written.slice(-5));

    const live = aDecision({ verdict: 'review' });
    await pipeline.write(live, aDeadLetter({ error: 'MISSING_FIELD', reason: 'amount is missing' }));
    const decisions = await reader.waitFor('decision', 6);
    assert.equal(idOf(decisions[5]?.data ?? '{}'), live.id);
    assert.equal(JSON.parse(decisions[5]?.data ?? '{}').decision.verdict, 'review');
    const [deadLetter] = await reader.waitFor('dead-letter', 1);
    assert.equal(JSON.parse(deadLetter?.data ?? '{}').error, 'MISSING_FIELD');
    const stats = await reader.waitFor('stats', 1);
    assert.equal(typeof JSON.parse(stats[0]?.data ?? '{}').transactions, 'number');
  });

  test('a reconnecting browser sends Last-Event-ID and receives only what it missed', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline);
    const url = new URL('/events', dashboard.url).href;
    const first = await SseReader.open(url);
    pipeline.defer(() => first.close());
    const batch = [aDecision(), aDecision(), aDecision()];
    await pipeline.write(...batch);
    const seen = await first.waitFor('decision', 3);
    first.close();
    const later = [aDecision({ verdict: 'fraud' }), aDecision()];
    await pipeline.write(...later);
    await eventually(async () => {
      const stats = (await (await fetch(new URL('/api/stats', dashboard.url))).json()) as { transactions: number };
      return stats.transactions >= 5 ? true : undefined;
    });
    const second = await SseReader.open(url, { 'last-event-id': seen[2]?.id ?? '' });
    pipeline.defer(() => second.close());
    await second.waitFor('decision', 2);
    await pause(100);
    assert.equal(JSON.parse(second.of('hello')[0]?.data ?? '{}').resumed, true);
    assert.deepEqual(second.of('decision').map((event) => idOf(event.data)), later.map((decision) => decision.id));
  });

  test('a browser that missed more than the buffer holds starts over with the recent history', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline, pipeline.options({ recentDecisions: 3 }));
    const url = new URL('/events', dashboard.url).href;
    const first = await SseReader.open(url);
    pipeline.defer(() => first.close());
    await pipeline.write(aDecision());
    const [seen] = await first.waitFor('decision', 1);
    first.close();
    const missed = [];
    for (let i = 0; i < 5; i++) {
      missed.push(aDecision());
      await pipeline.write(missed[i] as DecidedTransaction);
      await pause(3);
    }
    await eventually(async () => {
      const stats = (await (await fetch(new URL('/api/stats', dashboard.url))).json()) as { transactions: number };
      return stats.transactions >= 6 ? true : undefined;
    });
    const second = await SseReader.open(url, { 'last-event-id': seen?.id ?? '' });
    pipeline.defer(() => second.close());
    await second.waitFor('decision', 3);
    assert.equal(JSON.parse(second.of('hello')[0]?.data ?? '{}').resumed, false);
    assert.deepEqual(second.of('decision').map((event) => idOf(event.data)), missed.slice(-3).map((decision) => decision.id));
  });

  test('a stalled client is dropped past the buffer limit while another client still gets events', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(
      pipeline,
      pipeline.options({ tuning: { clientBufferBytes: 64 * 1024, maxEventsPerSecond: 1_000_000, sampleAbovePerSecond: 1_000_000 } }),
    );
    const { hostname, port } = new URL(dashboard.url);
    // A raw socket that sends the request and never reads: the kernel buffers fill, then ours.
    const stalled = connect({ host: hostname, port: Number(port) });
    pipeline.defer(() => stalled.destroy());
    stalled.pause();
    stalled.write(`GET /events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`);
    const healthy = await SseReader.open(new URL('/events', dashboard.url).href);
    pipeline.defer(() => healthy.close());
    await eventually(() => (pipeline.metrics.sseClients.get().then((m) => m.values[0]?.value === 2 ? true : undefined)), 3000, 'two clients');

    const padding = 'x'.repeat(8 * 1024);
    let written = 0;
    const dropped = async (): Promise<number> => (await pipeline.metrics.sseDropped.get()).values[0]?.value ?? 0;
    // Loopback sockets absorb a few megabytes before anything waits in our buffer. Small
    // bursts with pauses: the healthy reader runs in this process and reads between them.
    while ((await dropped()) === 0 && written < 4_000) {
      await pipeline.write(...Array.from({ length: 20 }, () => aDecision({ verdict: 'fraud', note: padding } as Partial<DecidedTransaction>)));
      written += 20;
      await pause(15);
    }
    t.diagnostic(`stalled client dropped after ${written} decisions of 8 KiB`);
    assert.equal(await dropped(), 1, `the stalled client is dropped (after ${written} decisions of 8 KiB)`);
    const after = aDecision({ verdict: 'fraud' });
    await pipeline.write(after);
    await eventually(() => (healthy.of('decision').some((event) => idOf(event.data) === after.id) ? true : undefined), 10_000, 'the healthy client gets the next decision');
    assert.equal(healthy.of('decision').length, written + 1, 'the healthy client got every decision');
    assert.equal((await pipeline.metrics.sseClients.get()).values[0]?.value, 1);
  });

  test('above the rate threshold every flagged decision is streamed and legit ones are sampled; stats stay exact', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline, pipeline.options({ tuning: { sampleAbovePerSecond: 50, sampledLegitPerSecond: 10 } }));
    const reader = await SseReader.open(new URL('/events', dashboard.url).href);
    pipeline.defer(() => reader.close());
    await reader.waitFor('hello');
    const legit = Array.from({ length: 400 }, () => aDecision());
    const flagged = Array.from({ length: 40 }, (_, i) => aDecision({ verdict: i % 2 === 0 ? 'fraud' : 'review' }));
    await pipeline.write(...legit.slice(0, 200), ...flagged, ...legit.slice(200));
    const stats = await eventually(() => {
      const last = reader.of('stats').at(-1);
      const parsed = last ? (JSON.parse(last.data) as { transactions: number; stream: { sampling: boolean; sampledOut: number } }) : undefined;
      return parsed && parsed.transactions === 440 ? parsed : undefined;
    }, 5000, 'stats counting all 440 decisions');
    const streamed = reader.of('decision').map((event) => JSON.parse(event.data) as DecidedTransaction);
    const flaggedIds = new Set(flagged.map((decision) => decision.id));
    assert.equal(streamed.filter((decision) => flaggedIds.has(decision.id)).length, 40, 'every review and fraud decision');
    const legitStreamed = streamed.filter((decision) => decision.decision.verdict === 'legit').length;
    assert.ok(legitStreamed < 120, `legit decisions are sampled (${legitStreamed} of 400 streamed)`);
    assert.equal(stats.stream.sampledOut, 400 - legitStreamed);
    assert.equal((await pipeline.metrics.sseSampled.get()).values[0]?.value, 400 - legitStreamed);
  });

  test('heartbeat comments keep an idle stream open', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline, pipeline.options({ tuning: { heartbeatIntervalMs: 50 } }));
    const response = await fetch(new URL('/events', dashboard.url));
    const reader = response.body?.getReader();
    assert.ok(reader);
    pipeline.defer(() => reader.cancel());
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes(': keep-alive')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    assert.match(text, /^: keep-alive \d{4}-/m);
  });
});
