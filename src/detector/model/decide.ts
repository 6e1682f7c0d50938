import type { Decision, Reason } from '../../domain/decision.ts';
import type { Features } from '../features/types.ts';
import { verdictFor, type Evaluation } from '../rules/engine.ts';
import type { Ruleset } from '../rules/ruleset.ts';
import type { LoadedModel } from './loaded.ts';

/** What rules read as `f.model`: the model's probability of fraud for this transaction (0 without a model). */
export interface ModelFeatures {
  score: number;
  loaded: boolean;
}

/** The reasons a flagged decision gets from the model: the features that pushed its score up most. */
export const MODEL_REASONS = 3;
/** The rule name of the model's reasons (rule ids cannot contain ":", so none clashes). */
export const MODEL_REASON_RULE = 'model:contribution';

/**
 * The `f` rules see when a model runs: the detector's features plus `model`. Built once
 * per feature view (whose groups are fixed objects), so scoring allocates nothing per
 * transaction: only `model.score` changes.
 */
export class ModelContext {
  readonly f: Features & { model: ModelFeatures };
  readonly #model: ModelFeatures = { score: 0, loaded: false };

  constructor(features: Features) {
    this.f = { ...features, model: this.#model };
  }

  /** Scores the transaction the features describe now; its probability is then `f.model.score` (0 without a model). */
  score(model: LoadedModel | undefined): number {
    const probability = model ? model.scorer.score(this.f) : 0;
    this.#model.score = probability;
    this.#model.loaded = model !== undefined;
    return probability;
  }
}

/**
 * The decision with a model: score = 100 × probability + the live rules' scores, within
 * 0..100, to 3 decimals, so decisions rank finely; rules stay the policy layer above
 * (a blocklist rule of 100 flags whatever the model says; a negative allow-list score
 * lowers it). A flagged decision also names the features that pushed the model's score
 * up (TreeSHAP, in log-odds): computed only then, since it costs more than the score.
 */
export function gradedDecision(
  evaluation: Evaluation,
  probability: number,
  model: LoadedModel,
  ruleset: Ruleset,
  decidedAt: string,
): Decision {
  let rules = 0;
  for (const outcome of evaluation.outcomes) if (outcome.outcome === 'hit' && !outcome.shadow) rules += outcome.score;
  const score = gradedScore(probability, rules);
  const verdict = verdictFor(score, ruleset.thresholds);
  const reasons: Reason[] = [...evaluation.reasons];
  if (verdict !== 'legit') reasons.push(...contributionReasons(model));
  return {
    verdict,
    score,
    reasons,
    rules: ruleset.version,
    model: { id: model.id, version: model.version, probability: Math.round(probability * 1e6) / 1e6 },
    decidedAt,
  };
}

/** A decision's score with a model: 100 × its probability plus the live rules' scores, within 0..100, to 3 decimals. */
export function gradedScore(probability: number, rulesScore: number): number {
  return Math.round(Math.min(100, Math.max(0, 100 * probability + rulesScore)) * 1000) / 1000;
}

export function contributionReasons(model: LoadedModel): Reason[] {
  return model.scorer.topContributions(MODEL_REASONS).map((c) => {
    const contribution = Math.round(c.contribution * 1000) / 1000;
    const value = Number.isNaN(c.value) ? 'missing' : String(Math.round(c.value * 1000) / 1000);
    return { rule: MODEL_REASON_RULE, detail: `${c.feature} = ${value} (+${contribution} log-odds)`, feature: c.feature, contribution };
  });
}
