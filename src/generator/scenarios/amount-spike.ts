import { money } from './factory.ts';
import type { IncidentDraft, ScenarioContext } from './types.ts';

/**
 * An established customer's card suddenly buys something easily resold online for
 * 20-60 times what they usually pay, from a new ip (their device: a compromised
 * session or phished card details entered in a browser that mimics it).
 */
export function amountSpike(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx } = context;
  const customer = context.history.pickEstablished(random);
  if (!customer) return [];
  const payer = { ...customer, ip: context.identities.ip() };
  const amount = money(Math.min(25_000, context.history.usualAmount(customer) * random.between(20, 60)));
  const merchant = random.pick(context.merchants.resale);
  return [
    {
      scenario: 'amount-spike',
      events: [{ atMs: startMs, truth: 'fraud', transaction: tx.purchase(payer, { atMs: startMs, amount, merchant, channel: 'ecommerce' }) }],
    },
  ];
}
