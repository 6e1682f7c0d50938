import type { HistoryRequirement } from './history.ts';
import type { Mix } from './mix.ts';

export interface ScenarioOptions {
  seed: number;
  /** Epoch milliseconds of simulated time 0. */
  startTime: number;
  /** Live traffic: event time advances at this many background transactions per second (see TrafficOptions). Absent: the population's own pace. */
  ratePerSecond?: number;
  /** Population size; the background traffic's default when absent (see TrafficOptions). */
  customers?: number;
  /** Default: one for every five customers, from 400 to 2,000. */
  merchants?: number;
  /** Changes to the default mix (incidents per 10,000 background transactions). */
  mix?: Partial<Mix>;
  /** Background transactions before the first incident. */
  warmupTransactions?: number;
  /**
   * What a victim of an incident that needs a past (takeover, amount spike, cloned card,
   * structuring, and the look-alikes of everyday customers) must have done first.
   * Default ESTABLISHED: 5 payments over at least 3 days.
   */
  history?: HistoryRequirement;
  /** Accounts the ruleset blocks, for the blocklist scenario. */
  blockedAccounts?: readonly string[];
}

export const SCENARIO_DEFAULTS = { warmupTransactions: 1_000 } as const;

export function defaultMerchants(customers: number): number {
  return Math.min(2_000, Math.max(400, Math.round(customers / 5)));
}
