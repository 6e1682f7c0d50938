import type { RankingScores } from './ranking.ts';

/** A share that may be undefined (nothing to divide by): null, printed as "-". */
export type Rate = number | null;

export interface TransactionScores {
  transactions: number;
  fraud: number;
  flagged: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: Rate;
  recall: Rate;
  f1: Rate;
}

/** Detection of one fraud scenario, counted per incident. */
export interface ScenarioScores {
  scenario: string;
  incidents: number;
  /** Incidents with at least one of their fraud transactions flagged. */
  caught: number;
  recall: Rate;
  fraudTransactions: number;
  flaggedTransactions: number;
  /** Step of the first flagged fraud transaction, over caught incidents; null when none was caught. */
  firstAlert: { median: number; max: number } | null;
}

/** Flagged benign transactions among some population of them. */
export interface FalsePositives {
  transactions: number;
  flagged: number;
  rate: Rate;
}

export interface LookAlikeScores extends FalsePositives {
  scenario: string;
  incidents: number;
}

export interface Scores {
  transactions: TransactionScores;
  scenarios: ScenarioScores[];
  lookAlikes: { kinds: LookAlikeScores[]; overall: FalsePositives };
  /** Unlabelled transactions: everyday traffic. */
  background: FalsePositives;
  /** Labelled transactions without a decision (dead-lettered or lost); counted as not flagged. */
  undecided: number;
  /** How the scores rank fraud (null when the scores were not read). */
  ranking: RankingScores | null;
}
