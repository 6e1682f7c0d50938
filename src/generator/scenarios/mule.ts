import { HOUR_MS, MINUTE_MS, money, spreadTimes } from './factory.ts';
import type { Payer } from './identities.ts';
import type { DraftEvent, IncidentDraft, ScenarioContext } from './types.ts';

/**
 * A money mule, as two incidents: fan-in, 6-12 different customers (scam victims,
 * 100-1,000 each) transfer to one freshly opened account within an hour; fan-out, the
 * mule passes 90% of it on to 5-8 accounts never seen before within the next hour.
 */
export function mule(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, identities } = context;
  const account = identities.payer();
  const senders = context.customers.sample(random, random.int(6, 12));
  const inTimes = spreadTimes(random, startMs, random.between(20, 60) * MINUTE_MS, senders.length);
  const fanIn: DraftEvent[] = senders.map((sender, index) => {
    const atMs = inTimes[index] ?? startMs;
    return { atMs, truth: 'fraud', transaction: tx.transfer(sender, { atMs, amount: money(random.between(100, 1_000)), payee: account.account }) };
  });
  const received = fanIn.reduce((sum, event) => sum + event.transaction.amount, 0);
  const outStart = (inTimes[inTimes.length - 1] ?? startMs) + random.between(2, 15) * MINUTE_MS;
  return [
    { scenario: 'mule-fan-in', events: fanIn },
    { scenario: 'mule-fan-out', events: fanOut(context, account, received, outStart) },
  ];
}

function fanOut(context: ScenarioContext, mule: Payer, received: number, startMs: number): DraftEvent[] {
  const { random, tx, identities } = context;
  const count = random.int(5, 8);
  const times = spreadTimes(random, startMs, random.between(0.2, 1) * HOUR_MS, count);
  const share = (received * 0.9) / count;
  return times.map((atMs) => ({
    atMs,
    truth: 'fraud',
    transaction: tx.transfer(mule, { atMs, amount: money(share * random.between(0.8, 1.2)), payee: identities.account() }),
  }));
}
