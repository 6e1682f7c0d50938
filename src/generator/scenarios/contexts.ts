import type { Population } from '../population.ts';
import { TransactionFactory } from './factory.ts';
import type { History } from './history.ts';
import { IdentityFactory } from './identities.ts';
import type { MerchantIndex } from './merchants.ts';
import { MIX_PER, type Mix } from './mix.ts';
import { KindSchedule } from './schedule.ts';
import { BUILDERS, SCENARIO_KINDS, type ScenarioKind } from './catalogue.ts';
import { namedStream } from './streams.ts';
import type { ScenarioBuilder, ScenarioContext } from './types.ts';

export interface KindRunner {
  kind: ScenarioKind;
  build: ScenarioBuilder;
  context: ScenarioContext;
  schedule: KindSchedule;
}

export interface SharedParts {
  seed: number;
  startTime: number;
  population: Population;
  merchants: MerchantIndex;
  history: History;
  blockedAccounts: readonly string[];
  /** Background transactions before the first incident. */
  warmupTransactions: number;
}

/** One runner per kind in the mix, each with random streams of its own (schedule, ids, transactions, choices). */
export function kindRunners(shared: SharedParts, mix: Mix): KindRunner[] {
  return SCENARIO_KINDS.filter((kind) => mix[kind] > 0).map((kind) => {
    const random = namedStream(shared.seed, `scenario/${kind}`);
    // Forks in a fixed order: schedule, transaction ids and places, new identities; what is left is for choices.
    const schedule = new KindSchedule(random.fork(), shared.warmupTransactions, MIX_PER / mix[kind]);
    const tx = new TransactionFactory(random.fork(), shared.startTime);
    const identities = new IdentityFactory(random.fork(), shared.population);
    const context: ScenarioContext = {
      tx,
      identities,
      random,
      population: shared.population,
      customers: shared.population.directory,
      merchants: shared.merchants,
      history: shared.history,
      blockedAccounts: shared.blockedAccounts,
      startTime: shared.startTime,
    };
    return { kind, build: BUILDERS[kind], context, schedule };
  });
}
