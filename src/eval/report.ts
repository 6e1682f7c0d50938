import type { Scores } from './types.ts';

export interface RulesetUsed {
  file: string;
  version: string;
}

/** One detector pass over the stream: what decided, and how well. */
export interface PassReport {
  rules: RulesetUsed;
  model?: { id: string; version: string };
  scores: Scores;
}

/** The model of the model passes, and the stream it was trained on when `fraud eval` trained it. */
export interface ModelUsed {
  file: string;
  id: string;
  version: string;
  trainedOn?: { seed: number; transactions: number; rows: number; frauds: number; since: string; until: string; seconds: number };
}

export type StreamFigures = Omit<EvalReport, 'ours' | 'baseline' | 'modelOnly' | 'combined' | 'model' | 'labelDelayDays' | 'seconds'>;

/** What `fraud eval` prints: the stream it built and the scores of each pass on it. */
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
  /** Days after each transaction its label was known to the detector. */
  labelDelayDays: number;
  model?: ModelUsed;
  ours: PassReport;
  baseline: PassReport;
  /** With a model: the model alone (the ruleset's thresholds, no rules) and the ruleset with it. */
  modelOnly?: PassReport;
  combined?: PassReport;
  seconds: number;
}
