import type { IncidentDraft, ScenarioContext } from './types.ts';

/**
 * The benign twin of an amount spike: an established customer makes one large purchase
 * (5-15 times their usual, kept within 900-4,000), in person at a local shop or at a
 * travel agent, with their usual device and ip. The seed's rule (>= 900) flags all of them.
 */
export function oneOffLarge(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, merchants } = context;
  const customer = context.history.pickEstablished(random);
  if (!customer) return [];
  const amount = Math.round(Math.min(4_000, Math.max(900, context.history.usualAmount(customer) * random.between(5, 15))));
  const atTravelAgent = random.chance(0.5) && merchants.travel.length > 0;
  const merchant = atTravelAgent ? random.pick(merchants.travel) : merchants.shopIn(random, customer.home.country);
  const transaction = atTravelAgent
    ? tx.purchase(customer, { atMs: startMs, amount, merchant, channel: merchant.online ? 'ecommerce' : 'card-present', where: customer.home })
    : tx.purchase(customer, { atMs: startMs, amount, merchant, channel: 'card-present', where: customer.home });
  return [{ scenario: 'one-off-large', events: [{ atMs: startMs, truth: 'legit', transaction }] }];
}
