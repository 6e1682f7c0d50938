import { fileURLToPath } from 'node:url';
import type { Mix } from '../generator/scenarios/mix.ts';
import type { Logger } from '../observability/logger.ts';

/** The seed tutorial's single rule, the baseline every evaluation compares against. */
export const SEED_RULES_FILE = fileURLToPath(new URL('../../rules/seed.yaml', import.meta.url));

export type EvalPhase = 'produce' | 'train' | 'ours' | 'baseline' | 'model' | 'combined';

export interface EvalProgress {
  phase: EvalPhase;
  done: number;
  total: number;
}

export interface EvalOptions {
  seed: number;
  /** Transactions of the stream before the incidents under way are completed. */
  transactions: number;
  /**
   * A steady rate of simulated transactions per second instead of the population's own
   * pace (the clock of earlier versions, kept for comparisons). Absent: each customer pays
   * a few times a week, and the stream spans transactions / (customers x rate).
   */
  ratePerSecond?: number;
  /** Epoch milliseconds of the stream's first moment. */
  startTime: number;
  partitions: number;
  rulesFile: string;
  baselineFile: string;
  mix?: Partial<Mix>;
  /** Days after each transaction its label is known: what the label-fed features may use (default EVAL_DEFAULTS.labelDelayDays). */
  labelDelayDays?: number;
  /** A model to score with besides the rules: a file, or trained here on another seed's stream. */
  model?: { file: string } | { trainSeed: number };
  /** Population of the stream (default EVAL_DEFAULTS.customers). */
  customers?: number;
  warmupTransactions?: number;
  logger: Logger;
  onProgress?: (progress: EvalProgress) => void;
  signal?: AbortSignal;
}

/**
 * A month of a small population: 2,000 customers paying a few times a week make 40,000
 * transactions in about 30 simulated days, so profiles and long windows matter (victims of
 * takeovers have weeks of history), and each kind of incident happens 20-23 times with
 * the default mix.
 */
export const EVAL_DEFAULTS = {
  transactions: 40_000,
  customers: 2_000,
  startTime: Date.parse('2026-05-01T00:00:00Z'),
  // The product's own default (FRAUD_PARTITIONS): figures measured as users run it.
  partitions: 6,
  labelDelayDays: 7,
} as const;
