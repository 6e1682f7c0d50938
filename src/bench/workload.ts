import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatedTraffic } from '../generator/generated.ts';
import type { ProducerItem } from '../generator/items.ts';
import type { TrafficOptions } from '../generator/traffic.ts';
import type { WorkloadFigures } from './types.ts';

/** One seed for every stage: the same population and the same record sizes throughout. */
export const WORKLOAD_SEED = 20_240_601;
/**
 * Card holders of the benchmark's population, at their own pace (a few payments a week
 * each, about 1.9 a second between them): the full bench's 500,000 records span about 3
 * days of event time and reach some 185,000 accounts, each with a short history, as a day
 * or two of a regional bank's card traffic. It sets how many accounts the detector holds
 * and how many payments fall in each window, so it is part of what the detector's rate means.
 */
export const WORKLOAD_CUSTOMERS = 250_000;
/** Pre-filled streams start this long before now, so even long ones end in the past, as real history does. */
const WORKLOAD_HISTORY_MS = 60 * 24 * 3_600_000;
const SAMPLE_SIZE = 10_000;

export function trafficOptions(seed = WORKLOAD_SEED): TrafficOptions {
  return { seed, customers: WORKLOAD_CUSTOMERS, startTime: Date.now() - WORKLOAD_HISTORY_MS };
}

/** Everyday generated traffic for `topic`, as `fraud produce` makes it. */
export function workloadItems(topic: string, seed = WORKLOAD_SEED): Generator<ProducerItem> {
  return generatedTraffic(trafficOptions(seed), topic);
}

export interface Workload {
  figures: WorkloadFigures;
  /** The sample, one JSON transaction per line: ProducerPerformance sends these very bytes. */
  payloadFile: string;
}

/** Sizes of generated transactions, and a payload file of them for Kafka's producer tool. */
export async function prepareWorkload(tempDir: string): Promise<Workload> {
  const lines: string[] = [];
  let total = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const item of workloadItems('sample')) {
    const value = item.records[0]?.value;
    if (typeof value !== 'string') continue;
    const bytes = Buffer.byteLength(value);
    total += bytes;
    min = Math.min(min, bytes);
    max = Math.max(max, bytes);
    lines.push(value);
    if (lines.length >= SAMPLE_SIZE) break;
  }
  const payloadFile = join(tempDir, 'transactions.jsonl');
  await writeFile(payloadFile, lines.join('\n') + '\n');
  return { figures: { meanBytes: Math.round(total / lines.length), minBytes: min, maxBytes: max }, payloadFile };
}
