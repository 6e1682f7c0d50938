import { fileURLToPath } from 'node:url';
import type { Mix } from '../generator/scenarios/mix.ts';
import type { Logger } from '../observability/logger.ts';

/** The seed tutorial's single rule, the baseline every evaluation compares against. */
export const SEED_RULES_FILE = fileURLToPath(new URL('../../rules/seed.yaml', import.meta.url));

export type EvalPhase = 'produce' | 'ours' | 'baseline';

export interface EvalProgress {
  phase: EvalPhase;
  done: number;
  total: number;
}

export interface EvalOptions {
  seed: number;
  /** Transactions of the stream before the incidents under way are completed. */
  transactions: number;
  /** Simulated transactions per second: sets how much simulated time the stream spans. */
  ratePerSecond: number;
  /** Epoch milliseconds of the stream's first moment. */
  startTime: number;
  partitions: number;
  rulesFile: string;
  baselineFile: string;
  mix?: Partial<Mix>;
  customers?: number;
  warmupTransactions?: number;
  logger: Logger;
  onProgress?: (progress: EvalProgress) => void;
  signal?: AbortSignal;
}

/**
 * 40,000 transactions at 2 per second of simulated time: about 5.5 simulated hours,
 * long enough for incidents that take hours (structuring, mules, travellers) to play
 * out inside the background, and 21-23 incidents of each kind with the default mix.
 */
export const EVAL_DEFAULTS = {
  transactions: 40_000,
  ratePerSecond: 2,
  startTime: Date.parse('2026-05-01T00:00:00Z'),
  partitions: 1,
} as const;
