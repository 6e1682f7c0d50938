import { accountTakeover } from './account-takeover.ts';
import { amountSpike } from './amount-spike.ts';
import { blocklist } from './blocklist.ts';
import { cardTesting } from './card-testing.ts';
import { impossibleTravel } from './impossible-travel.ts';
import { mule } from './mule.ts';
import { nightOwl } from './night-owl.ts';
import { oneOffLarge } from './one-off-large.ts';
import { payroll } from './payroll.ts';
import { structuring } from './structuring.ts';
import { traveller } from './traveller.ts';
import type { ScenarioBuilder, ScenarioName } from './types.ts';
import { velocityBurst } from './velocity-burst.ts';

/**
 * What the mix schedules. A kind is one builder; `mule` builds two incidents (its
 * fan-in and its fan-out), scored as two scenarios because different signals catch them.
 */
export const SCENARIO_KINDS = [
  'card-testing',
  'velocity-burst',
  'account-takeover',
  'impossible-travel',
  'amount-spike',
  'mule',
  'structuring',
  'blocklist',
  'traveller',
  'one-off-large',
  'payroll',
  'night-owl',
] as const;

export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

export const BUILDERS: Readonly<Record<ScenarioKind, ScenarioBuilder>> = {
  'card-testing': cardTesting,
  'velocity-burst': velocityBurst,
  'account-takeover': accountTakeover,
  'impossible-travel': impossibleTravel,
  'amount-spike': amountSpike,
  mule,
  structuring,
  blocklist,
  traveller,
  'one-off-large': oneOffLarge,
  payroll,
  'night-owl': nightOwl,
};

/** The scenarios (label names) each kind produces. */
export const PRODUCES: Readonly<Record<ScenarioKind, readonly ScenarioName[]>> = {
  'card-testing': ['card-testing'],
  'velocity-burst': ['velocity-burst'],
  'account-takeover': ['account-takeover'],
  'impossible-travel': ['impossible-travel'],
  'amount-spike': ['amount-spike'],
  mule: ['mule-fan-in', 'mule-fan-out'],
  structuring: ['structuring'],
  blocklist: ['blocklist'],
  traveller: ['traveller'],
  'one-off-large': ['one-off-large'],
  payroll: ['payroll'],
  'night-owl': ['night-owl'],
};

/** Kinds whose victim must be a customer with a history in the stream: none start before someone has one. */
export const NEEDS_HISTORY: readonly ScenarioKind[] = ['account-takeover', 'impossible-travel', 'amount-spike', 'structuring', 'traveller', 'one-off-large', 'night-owl'];

/** Mean transactions of one incident of each kind (from the builders' ranges), for how long a stream of N lasts. */
export const TRANSACTIONS_PER_INCIDENT: Readonly<Record<ScenarioKind, number>> = {
  'card-testing': 11,
  'velocity-burst': 11.5,
  'account-takeover': 2.5,
  'impossible-travel': 2,
  'amount-spike': 1,
  mule: 15.5,
  structuring: 4,
  blocklist: 1,
  traveller: 2.5,
  'one-off-large': 1,
  payroll: 26,
  'night-owl': 2,
};

export function isScenarioKind(name: string): name is ScenarioKind {
  return (SCENARIO_KINDS as readonly string[]).includes(name);
}
