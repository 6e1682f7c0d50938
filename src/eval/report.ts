import type { Scores } from './types.ts';

export interface RulesetUsed {
  file: string;
  version: string;
}

/** What `fraud eval` prints: the stream it built and the scores of both rulesets on it. */
export interface EvalReport {
  seed: number;
  startTime: string;
  /** Customers of the population. */
  customers: number;
  /** Simulated days from the first transaction to the last. */
  days: number;
  /** Mean transactions per simulated second over the stream. */
  ratePerSecond: number;
  partitions: number;
  /** Transactions sent (the asked number plus the rest of the incidents under way at the end). */
  transactions: number;
  labelled: number;
  fraudTransactions: number;
  /** Incidents per scenario, as generated. */
  incidents: Record<string, number>;
  notes: string[];
  ours: { rules: RulesetUsed; scores: Scores };
  baseline: { rules: RulesetUsed; scores: Scores };
  seconds: number;
}
