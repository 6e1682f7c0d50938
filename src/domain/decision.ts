import type { Transaction } from './transaction.ts';

export const VERDICTS = ['legit', 'review', 'fraud'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Reason {
  rule: string;
  detail: string;
  /** A model's reason: the feature that pushed the score up, and by how much (log-odds, TreeSHAP). */
  feature?: string;
  contribution?: number;
}

/** The model that scored a decision, and its probability of fraud (0..1). */
export interface DecisionModel {
  id: string;
  version: string;
  probability: number;
}

/** The `decision` field the detector adds to a transaction (see CONTRACT.md). */
export interface Decision {
  verdict: Verdict;
  /** 0 to 100. */
  score: number;
  reasons: Reason[];
  /** Version of the ruleset that decided. */
  rules: string;
  /** With a model loaded: which one, and its probability (the score is then 100 × it + the rules' scores). */
  model?: DecisionModel;
  decidedAt: string;
}

export type DecidedTransaction = Transaction & { id: string; decision: Decision };

/**
 * The input object unchanged plus `decision`, and an `id` derived from where the record
 * was read when the producer gave none, so every decision can be referred to.
 */
export function withDecision(transaction: Transaction, decision: Decision, fallbackId: string): DecidedTransaction {
  const id = typeof transaction.id === 'string' && transaction.id.length > 0 ? transaction.id : fallbackId;
  return { ...transaction, id, decision };
}

/**
 * The decided transaction as JSON text: the input record's own text with `decision`
 * (and a derived `id`) appended before its closing brace. The input reaches the output
 * byte for byte (key order, number formatting, unknown fields), and nothing is parsed
 * and printed again. When the input already has a `decision` key, or an `id` that is
 * not a usable string, the object is printed whole instead, so no key appears twice.
 */
export function decidedJson(inputText: string, transaction: Transaction, decision: Decision, fallbackId: string): string {
  const text = inputText.trimEnd();
  const hasId = typeof transaction.id === 'string' && transaction.id.length > 0;
  const clash = 'decision' in transaction || (!hasId && 'id' in transaction);
  if (clash || !text.endsWith('}')) return JSON.stringify(withDecision(transaction, decision, fallbackId));
  const idField = hasId ? '' : `,"id":${JSON.stringify(fallbackId)}`;
  return `${text.slice(0, -1).trimEnd()}${idField},"decision":${JSON.stringify(decision)}}`;
}

/** The id a transaction without one gets: unique and stable, because a record's place in the log is. */
export function derivedId(topic: string, partition: number, offset: number): string {
  return `${topic}-${partition}-${offset}`;
}

export function isFlagged(verdict: Verdict): boolean {
  return verdict !== 'legit';
}
