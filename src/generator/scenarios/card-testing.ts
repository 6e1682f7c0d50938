import { PLACES } from '../geography.ts';
import { MINUTE_MS, money, spreadTimes } from './factory.ts';
import type { Payer } from './identities.ts';
import type { DraftEvent, IncidentDraft, ScenarioContext } from './types.ts';

/**
 * A stolen card checked before it is used: 6-15 tiny online payments (0.50-5.00) at
 * different merchants within 1-5 minutes, from the fraudster's device and ip, then,
 * half the time, one large online purchase a few minutes later.
 */
export function cardTesting(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, merchants } = context;
  const victim = context.customers.pick(random);
  const fraudster: Payer = { ...victim, device: context.identities.device(), ip: context.identities.ip() };
  const where = random.pick(PLACES);
  const probes = random.int(6, 15);
  const times = spreadTimes(random, startMs, random.between(1, 5) * MINUTE_MS, probes);
  const shops = merchants.distinctOnline(random, probes);
  const events: DraftEvent[] = times.map((atMs, index) => ({
    atMs,
    truth: 'fraud',
    transaction: tx.purchase(fraudster, {
      atMs,
      amount: money(random.between(0.5, 5)),
      merchant: shops[index % shops.length] ?? random.pick(merchants.online),
      channel: 'ecommerce',
      where,
    }),
  }));
  if (random.chance(0.5)) {
    const atMs = (times[times.length - 1] ?? startMs) + random.between(1, 10) * MINUTE_MS;
    const amount = money(random.between(300, 2500));
    events.push({ atMs, truth: 'fraud', transaction: tx.purchase(fraudster, { atMs, amount, merchant: random.pick(merchants.resale), channel: 'ecommerce', where }) });
  }
  return [{ scenario: 'card-testing', events }];
}
