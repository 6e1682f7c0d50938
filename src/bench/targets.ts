import type { ApiRun, BenchFigures, LatencyRun, ProcessRuns } from './types.ts';

/** A figure divided by the figure of Kafka's own tool (or our own client) it is compared with. */
export interface Ratio {
  id: string;
  /** What is divided by what, in words. */
  label: string;
  value: number;
}

/** One of the targets, checked on the figures of this run; `pass` null when not measured. */
export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  pass: boolean | null;
}

const KB = 1024;

export function ratios(figures: BenchFigures): Ratio[] {
  const tools = figures.kafkaTools;
  const pp = tools?.producer.recordsPerSec;
  const ppTxn = tools?.transactionalProducer.recordsPerSec;
  const cp = tools?.consumer.recordsPerSec;
  const ours = figures.clients;
  const alo = figures.detector?.atLeastOnce.recordsPerSec;
  const eos = figures.detector?.exactlyOnce.recordsPerSec;
  const candidates: Array<[string, string, number | undefined, number | undefined]> = [
    ['producer/pp', 'our producer / ProducerPerformance', ours?.producer.recordsPerSec, pp],
    ['consumer/cp', 'our consumer / ConsumerPerformance', ours?.consumer.recordsPerSec, cp],
    ['detector-alo/pp', 'detector at-least-once / ProducerPerformance', alo, pp],
    ['detector-eos/pp', 'detector exactly-once / ProducerPerformance', eos, pp],
    ['detector-eos/pp-txn', 'detector exactly-once / transactional ProducerPerformance', eos, ppTxn],
    ['detector-alo/consumer', 'detector at-least-once / our consumer alone', alo, ours?.consumer.recordsPerSec],
    ['embedded/pp', 'embedded detector / ProducerPerformance', figures.embedded?.detector.recordsPerSec, pp],
    ['detector-eos/kstreams', 'detector exactly-once / the Kafka Streams peer (windowed, exactly_once_v2)', eos, figures.peer?.available ? figures.peer.recordsPerSec : undefined],
  ];
  return candidates.flatMap(([id, label, numerator, denominator]) =>
    numerator !== undefined && denominator !== undefined && denominator > 0 ? [{ id, label, value: Math.round((numerator / denominator) * 100) / 100 }] : [],
  );
}

export function ratioOf(all: Ratio[], id: string): number | undefined {
  return all.find((ratio) => ratio.id === id)?.value;
}

/** The targets. A latency target passes only at a rate the pipeline sustained. */
export function targetChecks(figures: BenchFigures): TargetCheck[] {
  const all = ratios(figures);
  const alo = figures.detector?.atLeastOnce.recordsPerSec;
  const eos = figures.detector?.exactlyOnce.recordsPerSec;
  const at5000 = figures.latency?.find((run) => run.log === 'kafka' && run.mode === 'at-least-once' && run.targetPerSec === 5000);
  const embedded = figures.embedded?.detector.recordsPerSec;
  const perAccount = figures.memory?.heapBytesPerAccount;
  const apiKafka = figures.api?.find((entry) => entry.log === 'kafka');
  return [
    atLeast('detector-alo-rate', 'detector at-least-once ≥ 50,000/s', alo, 50_000, '/s'),
    atLeast('detector-eos-rate', 'detector exactly-once ≥ 20,000/s', eos, 20_000, '/s'),
    atLeast('detector-alo-share', 'detector at-least-once ≥ 0.3 × ProducerPerformance', ratioOf(all, 'detector-alo/pp'), 0.3, ' ×'),
    atLeast('detector-eos-share', 'detector exactly-once ≥ 0.3 × ProducerPerformance', ratioOf(all, 'detector-eos/pp'), 0.3, ' ×'),
    latencyTarget(at5000),
    atLeast('embedded-rate', 'embedded pipeline ≥ 50,000/s', embedded, 50_000, '/s'),
    ...startupTargets(figures),
    {
      id: 'memory-per-account',
      target: '≤ 1 KB (1,024 bytes) of heap per active account',
      measured: perAccount === undefined ? 'not measured' : `${formatNumber(perAccount)} bytes`,
      pass: perAccount === undefined ? null : perAccount <= KB,
    },
    apiLatencyTarget(apiKafka?.runs.find((run) => run.targetPerSec === 1000)),
    atLeast('api-max-rate', 'decision API ≥ 3,000 requests/s with p99 < 50 ms, Kafka', apiKafka?.maxSustainedPerSec, 3000, '/s'),
    atLeast('backtest-rate', 'backtest ≥ 100,000 transactions/s', figures.backtest?.recordsPerSec, 100_000, '/s'),
    atLeast('detector-vs-kstreams', 'detector exactly-once ≥ the Kafka Streams peer', ratioOf(all, 'detector-eos/kstreams'), 1, ' ×'),
    atLeast('detector-vs-kstreams-goal', 'detector exactly-once ≥ 1.5 × the Kafka Streams peer (the goal)', ratioOf(all, 'detector-eos/kstreams'), 1.5, ' ×'),
  ];
}

function atLeast(id: string, target: string, value: number | undefined, floor: number, unit: string): TargetCheck {
  return { id, target, measured: value === undefined ? 'not measured' : `${formatNumber(value)}${unit}`, pass: value === undefined ? null : value >= floor };
}

/** Issue 15: a CLI that starts in a blink, in absolute time and beside Node's own start. */
function startupTargets({ startup }: BenchFigures): TargetCheck[] {
  const check = (id: string, name: string, limitMs: number, runs: ProcessRuns | undefined): TargetCheck[] => {
    const base = startup?.commands.nodeBaseline.wallMs;
    const within = `${name} ≤ ${limitMs} ms wall and ≤ 4 × node -e 0`;
    if (!runs || base === undefined) return [{ id, target: within, measured: 'not measured', pass: null }];
    const ratio = Math.round((runs.wallMs / base) * 10) / 10;
    return [{ id, target: within, measured: `${formatNumber(runs.wallMs)} ms, ${ratio} × node -e 0 (${formatNumber(base)} ms)`, pass: runs.wallMs <= limitMs && ratio <= 4 }];
  };
  return [
    ...check('startup-help', 'fraud --help', 150, startup?.commands.help),
    ...check('startup-consume', 'fraud consume --count 1 (embedded)', 300, startup?.commands.consumeOne),
  ];
}

function latencyTarget(run: LatencyRun | undefined): TargetCheck {
  const target = 'p99 end-to-end ≤ 25 ms at 5,000/s, at-least-once on Kafka';
  if (!run) return { id: 'latency-p99-5000', target, measured: 'not measured', pass: null };
  const measured = `p99 ${run.p99} ms at ${formatNumber(run.achievedPerSec)}/s${run.sustained ? '' : ', not sustained'}`;
  return { id: 'latency-p99-5000', target, measured, pass: run.sustained && run.p99 <= 25 };
}

function apiLatencyTarget(run: ApiRun | undefined): TargetCheck {
  const target = 'decision API p99 ≤ 25 ms at 1,000 requests/s, Kafka exactly-once';
  if (!run) return { id: 'api-p99-1000', target, measured: 'not measured', pass: null };
  const measured = `p99 ${run.p99} ms at ${formatNumber(run.achievedPerSec)}/s${run.sustained ? '' : ', not sustained'}`;
  return { id: 'api-p99-1000', target, measured, pass: run.sustained && run.p99 <= 25 };
}

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : 2 });
}
