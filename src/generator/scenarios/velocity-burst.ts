import { spreadTimes } from './factory.ts';
import type { IncidentDraft, ScenarioContext } from './types.ts';

/**
 * An account paying far faster than anyone does by hand: 8-15 ordinary-sized online
 * payments within 1-2 minutes. Device and ip are the customer's own, so only the pace
 * gives it away (a script on a compromised session, or stolen app credentials).
 */
export function velocityBurst(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, merchants } = context;
  const customer = context.customers.pick(random);
  const times = spreadTimes(random, startMs, random.between(60_000, 120_000), random.int(8, 15));
  const events = times.map((atMs) => {
    const merchant = random.pick(merchants.online);
    const amount = tx.ordinaryAmount(customer.medianAmount * merchant.ticketFactor);
    return { atMs, truth: 'fraud' as const, transaction: tx.purchase(customer, { atMs, amount, merchant, channel: 'ecommerce' }) };
  });
  return [{ scenario: 'velocity-burst', events }];
}
