import { distanceKm, PLACES } from '../geography.ts';
import { MINUTE_MS, money } from './factory.ts';
import type { Payer } from './identities.ts';
import type { IncidentDraft, ScenarioContext } from './types.ts';

/** Far enough that no flight covers it in the hour the clone waits at most. */
const FAR_KM = 2_000;

/**
 * A cloned card: the cardholder, a customer with a history, pays in person at home (step 1, genuine, labelled
 * legit), and 5-60 minutes later the clone pays in person thousands of kilometres away
 * (step 2, fraud): a speed of 2,000 km/h or more, beyond any airliner.
 */
export function impossibleTravel(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, merchants } = context;
  const holder = context.history.pickEstablished(random);
  if (!holder) return [];
  const far = random.pick(PLACES.filter((place) => distanceKm(place, holder.home) >= FAR_KM));
  const clone: Payer = { ...holder, device: context.identities.device(), ip: context.identities.ip() };
  const usual = context.history.usualAmount(holder);
  const homeShop = merchants.shopIn(random, holder.home.country);
  const farShop = merchants.shopIn(random, far.country);
  const cloneAt = startMs + random.between(5, 60) * MINUTE_MS;
  return [
    {
      scenario: 'impossible-travel',
      events: [
        {
          atMs: startMs,
          truth: 'legit',
          transaction: tx.purchase(holder, { atMs: startMs, amount: tx.ordinaryAmount(usual), merchant: homeShop, channel: 'card-present', where: holder.home }),
        },
        {
          atMs: cloneAt,
          truth: 'fraud',
          transaction: tx.purchase(clone, { atMs: cloneAt, amount: money(usual * random.between(1, 4)), merchant: farShop, channel: 'card-present', where: far }),
        },
      ],
    },
  ];
}
