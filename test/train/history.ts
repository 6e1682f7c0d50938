import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniform } from '../model/fixtures.ts';

export const DAY_MS = 86_400_000;
export const START = Date.parse('2026-03-02T00:00:00Z');

export interface History {
  transactions: Array<Record<string, unknown> & { id: string; timestamp: string }>;
  labels: Array<{ id: string; fraud: boolean; knownAt: string; source: string }>;
}

/**
 * `days` days of 40 accounts paying about twice a day around their own typical amount;
 * 2% of payments are frauds at 6-10 times it. Each fraud is labelled `delayDays` after
 * it happened, as chargebacks are. Seeded: the same history on every run.
 */
export function aLabelledHistory(days: number, delayDays = 1, seed = 17): History {
  const next = uniform(seed);
  const typical = Array.from({ length: 40 }, () => 20 + next() * 80);
  const transactions: History['transactions'] = [];
  const labels: History['labels'] = [];
  let id = 0;
  for (let day = 0; day < days; day++) {
    for (let account = 0; account < 40; account++) {
      const count = next() < 0.5 ? 1 : 3;
      for (let k = 0; k < count; k++) {
        const at = START + day * DAY_MS + Math.floor(next() * DAY_MS);
        const fraud = next() < 0.02;
        const base = typical[account] as number;
        const amount = Math.round((fraud ? base * (6 + next() * 4) : base * (0.6 + next() * 0.8)) * 100) / 100;
        const tx = { id: `t${id++}`, timestamp: new Date(at).toISOString(), source: `A${account}`, target: `M${Math.floor(next() * 30)}`, amount, currency: 'EUR', card: `C${account}` };
        transactions.push(tx);
        if (fraud) labels.push({ id: tx.id, fraud: true, knownAt: new Date(at + delayDays * DAY_MS).toISOString(), source: 'chargeback' });
      }
    }
  }
  transactions.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return { transactions, labels };
}

export function writeHistory(dir: string, history: History): { transactions: string; labels: string } {
  const files = { transactions: join(dir, 'transactions.jsonl'), labels: join(dir, 'labels.jsonl') };
  writeFileSync(files.transactions, history.transactions.map((t) => JSON.stringify(t)).join('\n') + '\n');
  writeFileSync(files.labels, history.labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return files;
}
