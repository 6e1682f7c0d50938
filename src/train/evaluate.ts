import { addDays, cardPrecisionAtK, knownCompromisedCards, type ScoredTransaction } from '../model/card-precision.ts';
import type { HeldOutMetrics } from '../model/format.ts';
import { atThreshold, aucRoc, averagePrecision } from '../model/metrics.ts';
import type { LabelBook } from './labels.ts';
import type { CollectedRows } from './rows.ts';
import { utcDay } from './rows.ts';

export interface EvaluationOptions {
  rows: CollectedRows;
  /** Probability of fraud of each row. */
  scores: Float64Array;
  labels: LabelBook;
  frauds: ReadonlyArray<{ day: string; card: string }>;
  since: number;
  until: number;
  /** Days of the training period and of the label delay: which cards count as known compromised. */
  trainDays: number;
  delayDays: number;
  /** The ruleset's review and fraud thresholds on the 0-100 score (the model's probability × 100). */
  thresholds: { review: number; fraud: number };
  /** Leave out the cards known to be compromised by each test day, as the Handbook does (default true). */
  excludeKnownCompromised?: boolean;
}

/**
 * Figures of a trained model on a later period, by the Handbook's protocol (as the
 * benchmark's score.py computes them): truth is every label known today; cards with a
 * fraud known before a test day (from the training period's start on) are left out of
 * that day; AUC ROC, average precision, card precision@100 per day, and precision and
 * recall at the ruleset's thresholds.
 */
export function evaluateHeldOut(options: EvaluationOptions): HeldOutMetrics {
  const { rows, scores, labels } = options;
  const testDays = daysOf(options.since, options.until);
  const known = options.excludeKnownCompromised === false ? new Map<string, Set<string>>() : knownCompromisedCards({ frauds: options.frauds, testDays, trainDays: options.trainDays, delayDays: options.delayDays });
  const kept: ScoredTransaction[] = [];
  let excluded = 0;
  for (let i = 0; i < rows.count; i++) {
    const day = utcDay(rows.eventTimes[i] as number);
    const card = rows.cards[i] as string;
    if (known.get(day)?.has(card)) {
      excluded++;
      continue;
    }
    kept.push({ day, card, score: scores[i] as number, fraud: labels.fraudEver(rows.ids[i] as string) });
  }
  const y = kept.map((row) => row.fraud);
  const s = Float64Array.from(kept, (row) => row.score);
  return {
    since: new Date(options.since).toISOString(),
    until: new Date(options.until).toISOString(),
    transactions: kept.length,
    frauds: y.filter(Boolean).length,
    excludedKnownCompromised: excluded,
    aucRoc: finiteOrNull(aucRoc(y, s)),
    averagePrecision: finiteOrNull(averagePrecision(y, s)),
    cardPrecisionAt100: finiteOrNull(cardPrecisionAtK(kept, { k: 100 }).mean),
    review: thresholdFigures(y, s, options.thresholds.review / 100),
    fraud: thresholdFigures(y, s, options.thresholds.fraud / 100),
  };
}

function thresholdFigures(y: boolean[], s: Float64Array, threshold: number): HeldOutMetrics['review'] {
  const figures = atThreshold(y, s, threshold);
  return { ...figures, precision: finiteOrNull(figures.precision), recall: finiteOrNull(figures.recall) };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The UTC days [since, until) touches, in order. */
export function daysOf(since: number, until: number): string[] {
  const days: string[] = [];
  const last = utcDay(until - 1);
  for (let day = utcDay(since); day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}
