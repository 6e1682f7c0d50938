import type { Ruleset } from '../detector/rules/ruleset.ts';
import { ScenarioStream } from '../generator/scenarios/index.ts';
import { EVAL_DEFAULTS, type EvalOptions } from './options.ts';

/**
 * The evaluation's labelled stream for `seed`: the scored one, or, with another seed, the
 * one a model is trained on, so both have the same population size, period and mix.
 */
export function evalStream(options: EvalOptions, seed: number, ruleset: Ruleset): ScenarioStream {
  return new ScenarioStream({
    seed,
    ratePerSecond: options.ratePerSecond,
    startTime: options.startTime,
    customers: options.customers ?? EVAL_DEFAULTS.customers,
    mix: options.mix,
    warmupTransactions: options.warmupTransactions,
    blockedAccounts: ruleset.definition.lists.blocked.accounts,
  });
}
