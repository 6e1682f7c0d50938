import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Profiler } from 'node:inspector';
import { idOf } from '../../src/bench/decision-watch.ts';
import { benchOptions, BenchFlagsSchema, FULL_SIZES, QUICK_SIZES } from '../../src/bench/options.ts';
import { sendPaced } from '../../src/bench/pacer.ts';
import { selfTimeByPart, topFunctions } from '../../src/bench/profile.ts';
import { parseConsumerPerformance, parseProducerPerformance } from '../../src/bench/tool-output.ts';
import { isFraudError } from '../../src/errors.ts';
import type { LogProducer, OutgoingRecord } from '../../src/log/types.ts';

describe("Kafka tools' output", () => {
  test('ProducerPerformance: the steady-state summary, after the warm-up', () => {
    const stdout = [
      'Reading payloads from: /tmp/payload.jsonl',
      '24075 records sent, 4763.6 records/sec (1.53 MB/sec), 3838.2 ms avg latency, 4848.0 ms max latency.',
      '60000 records sent, 8005.336891 records/sec (2.56 MB/sec), 4163.91 ms avg latency, 5929.00 ms max latency, 4560 ms 50th, 5862 ms 95th, 5907 ms 99th, 5926 ms 99.9th.',
      '50000 steady state records sent, 7630.093087 records/sec (2.44 MB/sec), 4681.09 ms avg latency, 5929.00 ms max latency, 4959 ms 50th, 5865 ms 95th, 5908 ms 99th, 5926 ms 99.9th.',
    ].join('\n');
    assert.deepEqual(parseProducerPerformance(stdout), {
      records: 50_000,
      recordsPerSec: 7630.1,
      mbPerSec: 2.44,
      latencyMs: { avg: 4681.1, p50: 4959, p99: 5908, p999: 5926, max: 5929 },
    });
  });

  test('ConsumerPerformance: the fetch rate, group join left out', () => {
    const stdout = [
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-11-29 19:52:54:437, 2026-11-29 19:52:58:806, 19.4371, 4.4489, 60000, 13733.1197, 2980, 1389, 13.9936, 43196.5443',
    ].join('\n');
    assert.deepEqual(parseConsumerPerformance(stdout), { records: 60_000, recordsPerSec: 43_196.5, mbPerSec: 13.99 });
  });

  test('output without results is an error naming the tool', () => {
    assert.throws(() => parseProducerPerformance('Exception in thread "main"'), (error) => isFraudError(error, 'FRAUD_INTERNAL') && /ProducerPerformance/.test(error.message));
    assert.throws(() => parseConsumerPerformance(''), (error) => isFraudError(error, 'FRAUD_INTERNAL'));
  });
});

describe('bench options', () => {
  const parse = (flags: Record<string, unknown>) => benchOptions(BenchFlagsSchema.parse(flags));

  test('every stage by default, in order; --only picks some, always in stage order', () => {
    assert.deepEqual(parse({}).stages, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']);
    assert.deepEqual(parse({ only: 'd, A,c' }).stages, ['a', 'c', 'd']);
    assert.equal(BenchFlagsSchema.safeParse({ only: 'a,z' }).success, false);
  });

  test('--quick shrinks the sizes; --records and --latency-seconds override them', () => {
    assert.deepEqual(parse({}).sizes, FULL_SIZES);
    assert.deepEqual(parse({ quick: true }).sizes, QUICK_SIZES);
    const small = parse({ quick: true, records: '3000', latencySeconds: '1' }).sizes;
    assert.equal(small.embeddedRecords, 3000);
    assert.equal(small.detectorRecords, 3000);
    assert.equal(small.embeddedLatencySeconds, 1);
    assert.equal(small.latencyWarmupSeconds, 1);
  });

  test('--brokers is a list of HOST:PORT', () => {
    assert.deepEqual(parse({ brokers: 'a:1,b:2' }).brokers, ['a:1', 'b:2']);
    assert.equal(BenchFlagsSchema.safeParse({ brokers: 'nohost' }).success, false);
  });
});

describe('bench latency parts', () => {
  test('idOf finds the decision id without parsing, and falls back to JSON', () => {
    assert.equal(idOf(Buffer.from('{"id":"tx-1","source":"a","decision":{"verdict":"legit"}}')), 'tx-1');
    assert.equal(idOf(Buffer.from('{ "source": "a", "id": "tx-2" }')), 'tx-2');
    assert.equal(idOf(Buffer.from('not json')), undefined);
    assert.equal(idOf(null), undefined);
  });

  test('sendPaced hands records over on schedule without waiting for each send', async () => {
    const sent: OutgoingRecord[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const producer: LogProducer = {
      send: async (records) => {
        sent.push(records);
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20)); // a slow log must not slow the schedule
        inFlight--;
      },
      close: async () => undefined,
    };
    const scheduled: number[] = [];
    const result = await sendPaced({
      producer,
      rate: 1000,
      durationMs: 200,
      record: (at) => {
        scheduled.push(at);
        return { topic: 't', value: 'v' };
      },
    });
    assert.equal(result.sent, 200);
    assert.equal(sent.flat().length, 200);
    // Not a timing figure (the machine may be busy): a send began while an earlier one was
    // still out, so the schedule did not wait for the log.
    assert.ok(sent.length > 1, `several sends, got ${sent.length}`);
    assert.ok(mostInFlight > 1, `sends overlap, at most ${mostInFlight} at once`);
    assert.ok(Math.abs((scheduled[199] ?? 0) - (scheduled[0] ?? 0) - 199) < 0.001, 'scheduled 1 ms apart');
  });
});

describe('bench CPU profile summary', () => {
  const frame = (functionName: string, url: string): Profiler.ProfileNode['callFrame'] => ({ functionName, url, scriptId: '0', lineNumber: 9, columnNumber: 0 });
  const profile: Profiler.Profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('observe', new URL('../../src/detector/features/extract.ts', import.meta.url).href) },
      { id: 3, callFrame: frame('(garbage collector)', '') },
      { id: 4, callFrame: frame('send', new URL('../../node_modules/@platformatic/kafka/dist/producer.js', import.meta.url).href) },
    ],
    startTime: 0,
    endTime: 100,
    samples: [1, 2, 2, 3, 4, 2],
    // The first delta is the profiler's own start-up, left out.
    timeDeltas: [1000, 10, 10, 20, 10, 10],
  };

  test('self time by function and by part of the pipeline', () => {
    assert.deepEqual(topFunctions(profile, 2), [
      { name: 'observe', where: 'src/detector/features/extract.ts', selfPct: 50 },
      { name: '(garbage collector)', where: '', selfPct: 33.3 },
    ]);
    assert.deepEqual(selfTimeByPart(profile).slice(0, 3), [
      { part: 'detector: features and state', selfPct: 50 },
      { part: 'garbage collection', selfPct: 33.3 },
      { part: 'Kafka client (@platformatic/kafka)', selfPct: 16.7 },
    ]);
  });
});
