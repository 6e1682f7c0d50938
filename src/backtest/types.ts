import type { Reason, Verdict } from '../domain/decision.ts';

/** How a rule took part in the changed decisions (counted on the side that flags: the candidate's reasons for a newly flagged one). */
export interface RuleChanges {
  /** Live hits over the period, each side. */
  baselineHits: number;
  candidateHits: number;
  /** Changed decisions among whose reasons (either side) the rule is. */
  changed: number;
  newlyFlagged: number;
  noLongerFlagged: number;
}

export interface DayChanges {
  /** UTC date, YYYY-MM-DD. */
  day: string;
  transactions: number;
  /** What the review team would face that day: review and fraud verdicts. */
  baselineAlerts: number;
  candidateAlerts: number;
  changed: number;
  newlyFlagged: number;
  noLongerFlagged: number;
}

/** One side's totals and, with labels, how well it catches fraud. */
export interface SideFigures {
  /** The ruleset's version. */
  version: string;
  /** The side's model, `id@version`, when it has one. */
  model?: string;
  alerts: number;
  review: number;
  fraud: number;
  /** Transactions labelled fraud (the latest label of each, whenever it became known); null without labels. */
  labelledFrauds: number | null;
  /** Of the alerts (review or fraud), those labelled fraud. */
  truePositives: number | null;
  precision: number | null;
  recall: number | null;
  /** Average precision of the 0-100 score. */
  averagePrecision: number | null;
  /** Card precision@100: per day, the share of the 100 highest-scored cards that had a fraud, averaged over days. */
  cardPrecisionAt100: number | null;
}

export interface SideOfChange {
  verdict: Verdict;
  score: number;
  /** The rules that fired and, flagged by a side with a model, the features that pushed its score up (as the detector's reasons). */
  reasons: Reason[];
  /** The side's model and its probability, when it has one. */
  model?: { id: string; version: string; probability: number };
}

export interface ChangedDecision {
  id: string;
  timestamp: string;
  amount: number;
  source: string;
  baseline: SideOfChange;
  candidate: SideOfChange;
}

export interface BacktestReport {
  /** Transactions decided (in the period), by both. */
  transactions: number;
  /** Verdicts that differ. */
  changed: number;
  /** Legit by the baseline, review or fraud by the candidate. */
  newlyFlagged: number;
  noLongerFlagged: number;
  /** Review by one, fraud by the other. */
  verdictChanges: number;
  /** Same verdict, another score. */
  scoreChanges: number;
  byRule: Record<string, RuleChanges>;
  byDay: DayChanges[];
  baseline: SideFigures;
  candidate: SideFigures;
  /** A sample of changed decisions with both sets of reasons (spread over the period). */
  sample: ChangedDecision[];
  period: { since: string | null; until: string | null };
  /** Records read (the history before the period warms the state), and those the detector would dead-letter. */
  records: number;
  invalid: number;
  /** Labels folded into the features at their knownAt. */
  labels: number;
  /** Records of the labels topic without a knownAt (the generator's scenario labels): scored on, never folded in. */
  truthOnlyLabels: number;
  /** 1: both rulesets decided on one pass of features; 2: their feature settings differ, so each has its own state. */
  featurePasses: 1 | 2;
  /** Rules the two rulesets have in common, evaluated once for both. */
  sharedRules: number;
  seconds: number;
  recordsPerSecond: number;
  /** CPU time of this process over the run (all its threads): on a busy machine, records / cpuSeconds is the steadier figure. */
  cpuSeconds: number;
}
