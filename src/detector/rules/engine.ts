import type { Reason, Verdict } from '../../domain/decision.ts';
import type { CompiledRule, Ruleset } from './ruleset.ts';

export type RuleOutcome =
  | { rule: string; outcome: 'hit'; score: number; detail: string; shadow: boolean }
  | { rule: string; outcome: 'error'; reason: string; shadow: boolean };

export interface Evaluation {
  verdict: Verdict;
  score: number;
  reasons: Reason[];
  /** Every rule that fired or failed, shadow rules included, for counting and explaining. */
  outcomes: RuleOutcome[];
}

/**
 * Runs every rule. A rule that throws or returns a non-boolean yields an error outcome
 * with its reason and the others still decide: one bad rule never stops the stream.
 */
export function evaluateRules(ruleset: Ruleset, context: Record<string, unknown>): Evaluation {
  const outcomes: RuleOutcome[] = [];
  const reasons: Reason[] = [];
  let score = 0;
  for (const rule of ruleset.rules) {
    const outcome = evaluateRule(rule, context);
    if (!outcome) continue;
    outcomes.push(outcome);
    if (outcome.outcome === 'hit' && !rule.shadow) {
      score += outcome.score;
      reasons.push({ rule: rule.id, detail: outcome.detail });
    }
  }
  score = Math.min(100, Math.round(score));
  return { verdict: verdictFor(score, ruleset.thresholds), score, reasons, outcomes };
}

function evaluateRule(rule: CompiledRule, context: Record<string, unknown>): RuleOutcome | undefined {
  let result: unknown;
  try {
    result = rule.when(context);
  } catch (error) {
    return { rule: rule.id, outcome: 'error', reason: firstLine(error), shadow: rule.shadow };
  }
  if (result === false) return undefined;
  if (result !== true) {
    return { rule: rule.id, outcome: 'error', reason: `expression gave ${typeof result}, not a boolean`, shadow: rule.shadow };
  }
  return { rule: rule.id, outcome: 'hit', score: rule.score, detail: rule.reason(context), shadow: rule.shadow };
}

export function verdictFor(score: number, thresholds: { review: number; fraud: number }): Verdict {
  if (score >= thresholds.fraud) return 'fraud';
  if (score >= thresholds.review) return 'review';
  return 'legit';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'rule failed';
}
