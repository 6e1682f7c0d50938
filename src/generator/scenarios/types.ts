import { z } from 'zod';
import type { Random } from '../random.ts';
import type { CustomerDirectory, Population } from '../population.ts';
import type { GeneratedTransaction } from '../traffic.ts';
import type { TransactionFactory } from './factory.ts';
import type { HistoryView } from './history.ts';
import type { IdentityFactory } from './identities.ts';
import type { MerchantIndex } from './merchants.ts';

/** Fraud the detector should catch, one name per pattern; a label's `scenario` is one of these or a look-alike. */
export const FRAUD_SCENARIOS = [
  'card-testing',
  'velocity-burst',
  'account-takeover',
  'impossible-travel',
  'amount-spike',
  'mule-fan-in',
  'mule-fan-out',
  'structuring',
  'blocklist',
] as const;

/** Benign traffic that resembles fraud: what false positives are measured on. */
export const LOOK_ALIKE_SCENARIOS = ['traveller', 'one-off-large', 'payroll', 'night-owl'] as const;

export type FraudScenario = (typeof FRAUD_SCENARIOS)[number];
export type LookAlikeScenario = (typeof LOOK_ALIKE_SCENARIOS)[number];
export type ScenarioName = FraudScenario | LookAlikeScenario;

/** The ground truth of one transaction, as written to the labels topic keyed by transaction id. */
export const LabelSchema = z.object({
  id: z.string().min(1),
  fraud: z.boolean(),
  scenario: z.string().min(1),
  incident: z.string().min(1),
  step: z.number().int().min(1),
});
export type Label = z.infer<typeof LabelSchema>;

/** One transaction of the stream at its simulated time; background transactions have no label. */
export interface ScenarioEvent {
  atMs: number;
  transaction: GeneratedTransaction;
  label?: Label;
}

/**
 * What a transaction of an incident is: part of the fraud, a benign part of it (the real
 * cardholder in a card-cloning case), or unlabelled history the incident needs before it
 * (a business's regular payments before its payroll), which counts as background.
 */
export type Truth = 'fraud' | 'legit' | 'unlabelled';

export interface DraftEvent {
  atMs: number;
  transaction: GeneratedTransaction;
  truth: Truth;
}

/**
 * A payer away from home in a window of simulated time: their in-person payments at home
 * in the background are dropped then, since they could not have made them.
 */
export interface Away {
  account: string;
  fromMs: number;
  untilMs: number;
}

/** An incident as a scenario builds it; the scheduler gives it an id and numbers its steps. */
export interface IncidentDraft {
  scenario: ScenarioName;
  events: DraftEvent[];
  away?: Away;
}

/** What a scenario builds its transactions from. Each kind of scenario gets its own random streams. */
export interface ScenarioContext {
  random: Random;
  population: Population;
  /** Every customer by index, however large the population (`population.customers` holds only a small one's). */
  customers: CustomerDirectory;
  merchants: MerchantIndex;
  /** Background traffic seen so far: who is established, what they usually spend. */
  history: HistoryView;
  /** Accounts, devices, ips and cards never seen in the stream. */
  identities: IdentityFactory;
  tx: TransactionFactory;
  blockedAccounts: readonly string[];
  /** Epoch milliseconds of simulated time 0, for scenarios that depend on the local hour. */
  startTime: number;
}

/** Builds the incidents of one occurrence starting at `startMs` (simulated); none when it cannot. */
export type ScenarioBuilder = (context: ScenarioContext, startMs: number) => IncidentDraft[];
