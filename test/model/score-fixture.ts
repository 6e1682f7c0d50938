import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniform } from './fixtures.ts';

/** One transaction of the scoring fixture: a card, a day, an integer score (ties on purpose) and its truth. */
export interface FixtureRow {
  id: string;
  timestamp: string;
  card: string;
  score: number;
  fraud: boolean;
}

export const FIXTURE = { from: '2018-08-05', to: '2018-08-07', k: 5, deltaTrain: 2, deltaDelay: 1 } as const;

/**
 * A small history in the shape of the Handbook benchmark's files: 30 cards over 6 days
 * (3 of history, 3 of test), scores 0-6 so that many tie, a few compromised cards whose
 * frauds recur (so the known-compromised exclusion and the removal of detected cards
 * both matter). Seeded: the same rows on every run.
 */
export function scoringFixture(): FixtureRow[] {
  const next = uniform(2024);
  const rows: FixtureRow[] = [];
  const compromised = new Set(['C3', 'C7', 'C11', 'C19', 'C23', 'C28']);
  let id = 0;
  for (let day = 2; day <= 7; day++) {
    for (let n = 0; n < 60; n++) {
      const card = `C${1 + Math.floor(next() * 30)}`;
      const fraud = compromised.has(card) && next() < 0.5 && day >= (Number(card.slice(1)) % 4) + 2;
      const score = Math.min(6, Math.floor(next() * 4) + (fraud ? Math.floor(next() * 4) : 0));
      const seconds = Math.floor(next() * 86_400);
      const timestamp = new Date(Date.parse(`2018-08-0${day}T00:00:00Z`) + seconds * 1000).toISOString().replace('.000', '');
      rows.push({ id: String(id++), timestamp, card, score, fraud });
    }
  }
  return rows.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

/** The fixture as score.py reads it: transactions, decisions and labels files in a new folder. */
export function writeFixtureFiles(rows: FixtureRow[]): { dir: string; transactions: string; decisions: string; labels: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fraud-score-fixture-'));
  const tx = (r: FixtureRow) => ({ id: r.id, timestamp: r.timestamp, source: r.card, target: 'T1', amount: 10, currency: 'EUR', card: r.card });
  const files = { dir, transactions: join(dir, 'transactions.jsonl'), decisions: join(dir, 'decisions.jsonl'), labels: join(dir, 'labels.json') };
  writeFileSync(files.transactions, rows.map((r) => JSON.stringify(tx(r))).join('\n') + '\n');
  writeFileSync(files.decisions, rows.map((r) => JSON.stringify({ ...tx(r), decision: { verdict: r.score >= 5 ? 'fraud' : 'legit', score: r.score } })).join('\n') + '\n');
  writeFileSync(files.labels, JSON.stringify(Object.fromEntries(rows.map((r) => [r.id, { fraud: r.fraud, scenario: r.fraud ? 2 : 0 }]))));
  return files;
}
