import type { Reason, Verdict } from '../domain/decision.ts';
import { gradedScore } from '../detector/model/decide.ts';
import { verdictFor } from '../detector/rules/engine.ts';
import type { CompiledLists, CompiledRule, Ruleset } from '../detector/rules/ruleset.ts';

/** Which rulesets share the features of one pass: both, or each its own (different feature settings). */
export type Side = 'baseline' | 'candidate';

/** One side's decision of a transaction, as the detector's engine would make it. */
export interface SideDecision {
  verdict: Verdict;
  score: number;
  /** Live rules that fired, in ruleset order (the decision's reasons, without their text). */
  hits: string[];
  /** The side's model's probability of fraud, when it has a model. */
  probability?: number;
}

interface UniqueRule {
  rule: CompiledRule;
  lists: CompiledLists;
}

const MISS = 0;
const HIT = 1;
const ERROR = 2;

/**
 * Both rulesets decided on the same features: a rule the two have in common (same id,
 * expression, score, reason and shadow flag, over the same lists) is evaluated once and
 * its outcome used by both sides, so a candidate that changes one threshold costs one
 * expression per transaction more than the baseline alone. The arithmetic is the
 * engine's (evaluateRules): live hits' scores summed, rounded, capped at 100, the
 * ruleset's thresholds; a rule that throws or gives a non-boolean counts as not fired.
 */
export class PairedRules {
  readonly #unique: UniqueRule[] = [];
  readonly #slots: Record<Side, number[]>;
  readonly #rulesets: Record<Side, Ruleset>;
  readonly #outcomes: Uint8Array;
  /** Per side, which unique rules are its own. */
  readonly #masks: Record<Side, Uint8Array>;
  /** Rules evaluated once for both sides. */
  readonly shared: number;

  constructor(baseline: Ruleset, candidate: Ruleset, options: { shareRules: boolean }) {
    this.#rulesets = { baseline, candidate };
    const keyed = new Map<string, number>();
    const slotsOf = (ruleset: Ruleset, side: Side): number[] =>
      ruleset.rules.map((rule) => {
        const key = options.shareRules ? ruleKey(ruleset, rule) : `${side}\u0000${rule.id}`;
        let slot = keyed.get(key);
        if (slot === undefined) {
          slot = this.#unique.length;
          keyed.set(key, slot);
          this.#unique.push({ rule, lists: ruleset.lists });
        }
        return slot;
      });
    this.#slots = { baseline: slotsOf(baseline, 'baseline'), candidate: slotsOf(candidate, 'candidate') };
    this.shared = this.#slots.baseline.length + this.#slots.candidate.length - this.#unique.length;
    this.#outcomes = new Uint8Array(this.#unique.length);
    const maskOf = (slots: number[]): Uint8Array => {
      const mask = new Uint8Array(this.#unique.length);
      for (const slot of slots) mask[slot] = 1;
      return mask;
    };
    this.#masks = { baseline: maskOf(this.#slots.baseline), candidate: maskOf(this.#slots.candidate) };
  }

  /**
   * Evaluates the expressions of one transaction. `setLists` points the features at a
   * side's lists before its rules read them (shared rules have equal lists).
   */
  evaluate(context: Record<string, unknown>, setLists: (lists: CompiledLists) => void, only?: Side): void {
    const mask = only ? this.#masks[only] : undefined;
    let lists: CompiledLists | undefined;
    for (let i = 0; i < this.#unique.length; i++) {
      if (mask && mask[i] === 0) continue;
      const { rule } = this.#unique[i] as UniqueRule;
      const wanted = (this.#unique[i] as UniqueRule).lists;
      if (wanted !== lists) setLists((lists = wanted));
      let result: unknown;
      try {
        result = rule.when(context);
      } catch {
        this.#outcomes[i] = ERROR;
        continue;
      }
      this.#outcomes[i] = result === true ? HIT : result === false ? MISS : ERROR;
    }
  }

  /**
   * A side's decision from the last evaluated outcomes; with a model's `probability`,
   * graded as the detector grades it (gradedScore).
   */
  decide(side: Side, probability?: number): SideDecision {
    const ruleset = this.#rulesets[side];
    const slots = this.#slots[side];
    const hits: string[] = [];
    let score = 0;
    for (let i = 0; i < slots.length; i++) {
      const rule = ruleset.rules[i] as CompiledRule;
      if (rule.shadow || this.#outcomes[slots[i] as number] !== HIT) continue;
      score += rule.score;
      hits.push(rule.id);
    }
    score = probability === undefined ? Math.min(100, Math.round(score)) : gradedScore(probability, score);
    return { verdict: verdictFor(score, ruleset.thresholds), score, hits, ...(probability === undefined ? {} : { probability }) };
  }

  /** The reasons of a side's decision (their text rendered), for the transaction last evaluated. */
  reasons(side: Side, decision: SideDecision, context: Record<string, unknown>): Reason[] {
    const ruleset = this.#rulesets[side];
    return decision.hits.map((id) => {
      const rule = ruleset.rules.find((candidate) => candidate.id === id) as CompiledRule;
      return { rule: id, detail: rule.reason(context) };
    });
  }
}

/** Two rules are one if everything that makes their outcome is the same. */
function ruleKey(ruleset: Ruleset, rule: CompiledRule): string {
  const definition = ruleset.definition.rules.find((candidate) => candidate.id === rule.id && candidate.enabled);
  return JSON.stringify([rule.id, definition?.when, rule.score, definition?.reason, rule.shadow]);
}
