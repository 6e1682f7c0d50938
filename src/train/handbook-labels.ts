import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { FraudError } from '../errors.ts';

export interface HandbookLabelOptions {
  /** simulate.py's transactions.jsonl: the ids and event times. */
  transactions: string;
  /** simulate.py's labels.json: {id: {fraud, scenario}}. */
  labels: string;
  out: string;
  /** Days after its transaction a label becomes known (the Handbook's delay, 7). */
  delayDays: number;
  /** Write a label for every transaction, not only the frauds (chargebacks tell only of frauds). */
  all: boolean;
}

/**
 * The Handbook's ground truth as the labels a bank would receive: one contract label per
 * fraud, known `delayDays` after its transaction (source "handbook"). Legit transactions
 * get none by default: with labels as with chargebacks, no fraud label once the delay
 * has passed means legit.
 */
export async function convertHandbookLabels(options: HandbookLabelOptions): Promise<{ written: number; frauds: number }> {
  const truth = readTruth(options.labels);
  const delayMs = options.delayDays * 86_400_000;
  const out = createWriteStream(options.out);
  let written = 0;
  let frauds = 0;
  const input = createReadStream(options.transactions);
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim().length === 0) continue;
    const { id, timestamp } = JSON.parse(line) as { id: string; timestamp: string };
    const fraud = truth[id]?.fraud === true;
    if (fraud) frauds++;
    if (!fraud && !options.all) continue;
    const knownAt = new Date(Date.parse(timestamp) + delayMs).toISOString();
    if (!out.write(`${JSON.stringify({ id, fraud, knownAt, source: 'handbook' })}\n`)) await once(out, 'drain');
    written++;
  }
  out.end();
  await once(out, 'finish');
  return { written, frauds };
}

function readTruth(path: string): Record<string, { fraud?: boolean }> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, { fraud?: boolean }>;
  } catch (cause) {
    throw new FraudError('FRAUD_LABELS_INVALID', `cannot read the Handbook labels ${path}`, { cause });
  }
}
