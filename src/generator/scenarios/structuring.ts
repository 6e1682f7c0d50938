import { HOUR_MS, spreadTimes } from './factory.ts';
import type { IncidentDraft, ScenarioContext } from './types.ts';

/** The cash-reporting threshold structuring stays under. */
export const REPORTING_THRESHOLD = 10_000;

/**
 * Splitting a large sum to stay under the reporting threshold: an established account
 * sends 3-5 transfers of 9,000-9,990 each within 1-4 hours, to one to three payees.
 */
export function structuring(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx } = context;
  const customer = context.history.pickEstablished(random);
  if (!customer) return [];
  const payees = Array.from({ length: random.int(1, 3) }, () => context.customers.pick(random).account);
  const times = spreadTimes(random, startMs, random.between(1, 4) * HOUR_MS, random.int(3, 5));
  const events = times.map((atMs) => {
    const amount = Math.round(random.between(9_000, REPORTING_THRESHOLD - 10) / 10) * 10;
    return { atMs, truth: 'fraud' as const, transaction: tx.transfer(customer, { atMs, amount, payee: random.pick(payees) }) };
  });
  return [{ scenario: 'structuring', events }];
}
