import type { Mix } from './mix.ts';

export interface ScenarioOptions {
  seed: number;
  /** Mean background transactions per second of simulated time. */
  ratePerSecond: number;
  /** Epoch milliseconds of simulated time 0. */
  startTime: number;
  /**
   * Population size. Smaller than everyday traffic's default (10,000) so that a stream of
   * a few tens of thousands of transactions gives each customer a history to deviate from.
   */
  customers?: number;
  merchants?: number;
  /** Changes to the default mix (incidents per 10,000 transactions). */
  mix?: Partial<Mix>;
  /** Transactions before the first incident, so victims have a history first. */
  warmupTransactions?: number;
  /** Accounts the ruleset blocks, for the blocklist scenario. */
  blockedAccounts?: readonly string[];
}

export const SCENARIO_DEFAULTS = { customers: 2_000, merchants: 400, warmupTransactions: 1_000 } as const;
