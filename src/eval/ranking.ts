import { cardPrecisionAtK } from '../model/card-precision.ts';
import { aucRoc, averagePrecision } from '../model/metrics.ts';
import type { Rate } from './types.ts';

/** A decided transaction as the ranking figures see it. */
export interface RankedDecision {
  /** The decision's score (0..100): the rules' scores, plus 100 × the model's probability when one runs. */
  score: number;
  /** The card paid with, else the paying account: what an analyst would block. */
  card: string;
  /** UTC day of its event time, YYYY-MM-DD. */
  day: string;
}

/** Threshold-free figures of a pass's scores: how well they rank fraud above the rest. */
export interface RankingScores {
  aucRoc: Rate;
  averagePrecision: Rate;
  /**
   * Card precision@100 (the Handbook's measure): per day, the 100 cards with the highest
   * score, the share of them that paid a fraud that day, averaged over days; cards found
   * on a day are left out of the later days. Equal scores are ordered against the
   * detector (legit first), so a score that cannot rank gets no credit for luck.
   */
  cardPrecisionAt100: Rate;
  /** Days averaged in cardPrecisionAt100. */
  days: number;
}

/** The figures of every decided transaction, fraud as the labels say (an unlabelled one is legit). */
export function rankingScores(fraudIds: ReadonlySet<string>, decisions: ReadonlyMap<string, RankedDecision>): RankingScores {
  const labels = new Uint8Array(decisions.size);
  const scores = new Float64Array(decisions.size);
  const rows: Array<{ day: string; card: string; score: number; fraud: boolean }> = [];
  let i = 0;
  for (const [id, decision] of decisions) {
    const fraud = fraudIds.has(id);
    labels[i] = fraud ? 1 : 0;
    scores[i] = decision.score;
    rows.push({ day: decision.day, card: decision.card, score: decision.score, fraud });
    i++;
  }
  const cards = cardPrecisionAtK(rows, { k: 100, removeDetected: true, tie: 'worst' });
  return {
    aucRoc: finite(aucRoc(labels, scores)),
    averagePrecision: finite(averagePrecision(labels, scores)),
    cardPrecisionAt100: finite(cards.mean),
    days: cards.perDay.length,
  };
}

function finite(value: number): Rate {
  return Number.isFinite(value) ? value : null;
}
