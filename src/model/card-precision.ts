import { pandasDescendingOrder } from './pandas-order.ts';

/** One scored transaction of a test period. */
export interface ScoredTransaction {
  /** UTC date of its event time, YYYY-MM-DD. */
  day: string;
  card: string;
  score: number;
  fraud: boolean;
}

export type TieOrder = 'handbook' | 'worst' | 'best';

export interface CardPrecisionOptions {
  k: number;
  /** Cards found (in the top k and fraudulent) on a day are left out of the later days, as the Handbook does. */
  removeDetected?: boolean;
  tie?: TieOrder;
}

/**
 * Card precision@k (the Handbook's card_precision_top_k, as score.py has it): per day,
 * each card's highest score and whether any of its transactions was fraud; the k cards
 * with the highest scores; the share of them that were compromised; the mean over days.
 * Days come in date order. Equal scores are ordered as pandas 1.3 ordered them (cards by
 * numeric id, then numpy's introsort), or the worst or best way for the tie range.
 */
export function cardPrecisionAtK(rows: readonly ScoredTransaction[], options: CardPrecisionOptions): { mean: number; perDay: number[] } {
  const { k, removeDetected = true, tie = 'handbook' } = options;
  const days = new Map<string, Map<string, { score: number; fraud: boolean }>>();
  for (const row of rows) {
    let cards = days.get(row.day);
    if (!cards) days.set(row.day, (cards = new Map()));
    const card = cards.get(row.card);
    if (!card) cards.set(row.card, { score: row.score, fraud: row.fraud });
    else {
      card.score = Math.max(card.score, row.score);
      card.fraud ||= row.fraud;
    }
  }
  const detected = new Set<string>();
  const perDay: number[] = [];
  for (const day of [...days.keys()].sort()) {
    const cards = days.get(day) as Map<string, { score: number; fraud: boolean }>;
    const ids = [...cards.keys()].filter((id) => !detected.has(id)).sort(compareCards);
    const scores = ids.map((id) => (cards.get(id) as { score: number }).score);
    const frauds = ids.map((id) => (cards.get(id) as { fraud: boolean }).fraud);
    const order = tieOrder(scores, frauds, tie);
    const hits = order.slice(0, k).filter((i) => frauds[i]).map((i) => ids[i] as string);
    perDay.push(hits.length / k);
    if (removeDetected) for (const id of hits) detected.add(id);
  }
  const mean = perDay.length === 0 ? Number.NaN : perDay.reduce((a, b) => a + b, 0) / perDay.length;
  return { mean, perDay };
}

function tieOrder(scores: number[], frauds: boolean[], tie: TieOrder): number[] {
  if (tie === 'handbook') return pandasDescendingOrder(scores);
  const indices = scores.map((_, i) => i);
  // Stable sorts: among equal scores and labels, the card order stays.
  const labelRank = (i: number): number => (tie === 'worst' ? Number(frauds[i]) : -Number(frauds[i]));
  return indices.sort((a, b) => (scores[b] as number) - (scores[a] as number) || labelRank(a) - labelRank(b));
}

/** Cards by the number after a leading letter ("C12" before "C100"), the others after them by name: how score.py orders them. */
export function compareCards(a: string, b: string): number {
  const ka = cardKey(a);
  const kb = cardKey(b);
  if (ka.group !== kb.group) return ka.group - kb.group;
  if (ka.number !== kb.number) return ka.number < kb.number ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cardKey(card: string): { group: number; number: bigint } {
  const digits = /^[A-Za-z]/.test(card) ? card.slice(1) : card;
  return /^[0-9]+$/.test(digits) ? { group: 0, number: BigInt(digits) } : { group: 1, number: 0n };
}

export interface KnownCompromisedOptions {
  /** Days (YYYY-MM-DD, UTC) and cards of every known fraud of the history. */
  frauds: ReadonlyArray<{ day: string; card: string }>;
  /** The test days, in order. */
  testDays: readonly string[];
  /** Days of training before the delay (the Handbook's delta_train, 7). */
  trainDays: number;
  /** Days labels take to arrive (delta_delay, 7). */
  delayDays: number;
}

/**
 * For each test day, the cards known to be compromised then (the Handbook's
 * get_train_test_set): a fraud on a day from the training period's start to the test day
 * minus the delay minus one. The Handbook leaves them out of its test set, since a card
 * known to be stolen is blocked, not scored.
 */
export function knownCompromisedCards(options: KnownCompromisedOptions): Map<string, Set<string>> {
  const { frauds, testDays, trainDays, delayDays } = options;
  const out = new Map<string, Set<string>>();
  const first = testDays[0];
  if (first === undefined) return out;
  const from = addDays(first, -(trainDays + delayDays));
  for (const day of testDays) {
    const cutoff = addDays(day, -(delayDays + 1));
    const known = new Set<string>();
    for (const fraud of frauds) if (fraud.day >= from && fraud.day <= cutoff) known.add(fraud.card);
    out.set(day, known);
  }
  return out;
}

/** YYYY-MM-DD plus `days` (UTC). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
