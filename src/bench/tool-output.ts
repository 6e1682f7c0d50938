import { FraudError } from '../errors.ts';
import type { ToolRun } from './types.ts';

/**
 * ProducerPerformance's summary, e.g.
 * `50000 steady state records sent, 7630.09 records/sec (2.44 MB/sec), 4681.09 ms avg latency,
 * 5929.00 ms max latency, 4959 ms 50th, 5865 ms 95th, 5908 ms 99th, 5926 ms 99.9th.`
 * With warm-up records the steady-state line (printed last) is the one we want.
 */
const PRODUCER_SUMMARY =
  /^(\d+) (?:steady state )?records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.?$/;

export function parseProducerPerformance(stdout: string): ToolRun {
  const summaries = stdout
    .split(/\r?\n/)
    .map((line) => PRODUCER_SUMMARY.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const last = summaries[summaries.length - 1];
  if (!last) throw unparsable('ProducerPerformance', stdout);
  const [, records, perSec, mbPerSec, avg, max, p50, p99, p999] = last.map(Number);
  return {
    records: records ?? 0,
    recordsPerSec: round(perSec ?? 0),
    mbPerSec: round(mbPerSec ?? 0, 100),
    latencyMs: { avg: round(avg ?? 0), p50: p50 ?? 0, p99: p99 ?? 0, p999: p999 ?? 0, max: max ?? 0 },
  };
}

/**
 * ConsumerPerformance prints a header and one CSV line:
 * `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 * rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`. The fetch figures leave
 * out the group join, as our detector's rate leaves out its start-up.
 */
export function parseConsumerPerformance(stdout: string): ToolRun {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim());
  const headerAt = lines.findIndex((line) => line.startsWith('start.time'));
  const header = lines[headerAt]?.split(',').map((name) => name.trim());
  const values = lines[headerAt + 1]?.split(',').map((value) => value.trim());
  if (headerAt < 0 || !header || !values || values.length !== header.length) throw unparsable('ConsumerPerformance', stdout);
  const field = (name: string): number => {
    const value = Number(values[header.indexOf(name)]);
    if (!Number.isFinite(value)) throw unparsable('ConsumerPerformance', stdout);
    return value;
  };
  return {
    records: field('data.consumed.in.nMsg'),
    recordsPerSec: round(field('fetch.nMsg.sec')),
    mbPerSec: round(field('fetch.MB.sec'), 100),
  };
}

function unparsable(tool: string, stdout: string): FraudError {
  const tail = stdout.trim().split(/\r?\n/).slice(-5);
  return new FraudError('FRAUD_INTERNAL', `cannot read the results of ${tool}`, { problems: tail.length > 0 ? tail : ['(no output)'] });
}

function round(value: number, scale = 10): number {
  return Math.round(value * scale) / scale;
}
