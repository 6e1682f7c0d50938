import type { ApiRun, BenchFigures, BenchResult, DetectorRunFigures, LatencyRun } from '../../src/bench/types.ts';

export function aDetectorRun(overrides: Partial<DetectorRunFigures> = {}): DetectorRunFigures {
  return { mode: 'at-least-once', records: 500_000, recordsPerSec: 60_000, overallPerSec: 55_000, startupMs: 300, batches: 1000, ...overrides };
}

export function aLatencyRun(overrides: Partial<LatencyRun> = {}): LatencyRun {
  return {
    log: 'kafka',
    mode: 'at-least-once',
    targetPerSec: 5000,
    achievedPerSec: 4998,
    decidedPerSec: 4990,
    seconds: 25,
    samples: 125_000,
    p50: 4.2,
    p99: 18.5,
    p999: 30.1,
    max: 41,
    backlogAtEnd: 20,
    backlogSeconds: 0,
    undecided: 0,
    sustained: true,
    ...overrides,
  };
}

export function anApiRun(overrides: Partial<ApiRun> = {}): ApiRun {
  return {
    log: 'kafka',
    targetPerSec: 1000,
    achievedPerSec: 999,
    seconds: 10,
    connections: 100,
    requests: 9990,
    decided: 9990,
    statuses: { 200: 9990 },
    errors: 0,
    p50: 6.1,
    p99: 21.4,
    p999: 38,
    max: 44,
    sustained: true,
    ...overrides,
  };
}

/** Figures of every stage, round numbers so ratios are easy to check by hand. */
export function allFigures(): BenchFigures {
  return {
    kafkaTools: {
      producer: { records: 500_000, recordsPerSec: 100_000, mbPerSec: 30, latencyMs: { avg: 20, p50: 10, p99: 50, p999: 80, max: 90 } },
      transactionalProducer: { records: 500_000, recordsPerSec: 80_000, mbPerSec: 24, transactionMs: 100 },
      consumer: { records: 550_000, recordsPerSec: 200_000, mbPerSec: 60 },
    },
    clients: {
      producer: { records: 500_000, recordsPerSec: 50_000, mbPerSec: 15 },
      generatorOnlyPerSec: 150_000,
      consumer: { records: 550_000, recordsPerSec: 250_000, mbPerSec: 75 },
    },
    detector: { atLeastOnce: aDetectorRun(), exactlyOnce: aDetectorRun({ mode: 'exactly-once', recordsPerSec: 20_000 }) },
    latency: [aLatencyRun({ targetPerSec: 1000 }), aLatencyRun(), aLatencyRun({ targetPerSec: 10_000, sustained: false, backlogAtEnd: 40_000, backlogSeconds: 4, p99: 900 })],
    embedded: { detector: aDetectorRun({ mode: 'exactly-once', recordsPerSec: 45_000 }), latency: aLatencyRun({ log: 'embedded', mode: 'exactly-once', targetPerSec: 1000 }) },
    memory: { accounts: 1_000_000, keys: 3_002_000, heapBytesPerAccount: 1100, accountOnlyHeapBytesPerAccount: 700, rssBytesPerAccount: 1300, heapUsedMb: 1049, rssMb: 1240, observePerSec: 90_000 },
    dashboard: {
      targetPerSec: 10_000,
      sentPerSec: 9990,
      flaggedShare: 0.012,
      consumedPerSec: 9980,
      pageEventsPerSec: 850,
      pageDecisionsPerSec: 420,
      client: 'chromium',
      cpuPercent: { mean: 30, max: 45 },
      rssMb: { mean: 250, max: 280 },
      seconds: 20,
    },
    api: [
      {
        log: 'kafka',
        runs: [anApiRun({ targetPerSec: 500 }), anApiRun(), anApiRun({ targetPerSec: 2000, p99: 30 })],
        ladder: [anApiRun({ targetPerSec: 3000, p99: 45 }), anApiRun({ targetPerSec: 4000, p99: 80, sustained: false, statuses: { 200: 19_000, 503: 20 } })],
        maxSustainedPerSec: 3000,
      },
    ],
  };
}

export function aBenchResult(figures: BenchFigures = allFigures(), overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    quick: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    seconds: 420,
    machine: { cpus: 2, node: 'v20.20.0', platform: 'linux-x64' },
    kafka: { brokers: '127.0.0.1:19292', startedByBench: true, version: '4.4.0' },
    workload: { meanBytes: 317, minBytes: 250, maxBytes: 334 },
    stages: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
    figures,
    stageSeconds: { a: 40, b: 20 },
    stageLoad: { a: 2.5, b: 3.1 },
    failures: [],
    ...overrides,
  };
}
