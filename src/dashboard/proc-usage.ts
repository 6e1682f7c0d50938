import { readFile } from 'node:fs/promises';
import { FraudError } from '../errors.ts';
import { sleep } from '../util/wait.ts';

/** Linux's USER_HZ: /proc counts CPU time in these ticks, 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

export interface ProcessUsage {
  pid: number;
  samples: number;
  /** Of one core: 150 means one and a half cores busy. */
  cpuPercent: { mean: number; max: number };
  rssMb: { mean: number; max: number };
}

export interface SampleProcessOptions {
  durationMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

interface Reading {
  at: number;
  cpuTicks: number;
  rssKb: number;
}

/**
 * CPU and resident memory of a process over a span, read from /proc (Linux): what a
 * benchmark reports of the dashboard's server while a page streams from it.
 */
export async function sampleProcess(pid: number, options: SampleProcessOptions): Promise<ProcessUsage> {
  const intervalMs = options.intervalMs ?? 1000;
  const readings: Reading[] = [await read(pid)];
  const deadline = Date.now() + options.durationMs;
  while (Date.now() < deadline && !options.signal?.aborted) {
    await sleep(Math.min(intervalMs, deadline - Date.now()), options.signal);
    readings.push(await read(pid));
  }
  const cpu: number[] = [];
  for (let i = 1; i < readings.length; i++) {
    const [previous, current] = [readings[i - 1] as Reading, readings[i] as Reading];
    const seconds = (current.at - previous.at) / 1000;
    if (seconds > 0) cpu.push(((current.cpuTicks - previous.cpuTicks) / TICKS_PER_SECOND / seconds) * 100);
  }
  const rss = readings.map((reading) => reading.rssKb / 1024);
  return { pid, samples: readings.length, cpuPercent: meanAndMax(cpu), rssMb: meanAndMax(rss) };
}

async function read(pid: number): Promise<Reading> {
  let stat: string;
  let status: string;
  try {
    [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
  } catch (cause) {
    throw new FraudError('FRAUD_INTERNAL', `cannot read /proc/${pid} (no such process, or not Linux)`, { cause });
  }
  // The command name may hold spaces and parentheses: fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  return { at: Date.now(), cpuTicks: utime + stime, rssKb };
}

function meanAndMax(values: number[]): { mean: number; max: number } {
  if (values.length === 0) return { mean: 0, max: 0 };
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return { mean: Math.round(mean * 10) / 10, max: Math.round(Math.max(...values) * 10) / 10 };
}
