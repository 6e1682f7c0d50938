import { distanceKm, PLACES, type Place } from '../geography.ts';
import type { Random } from '../random.ts';
import { HOUR_MS, MINUTE_MS } from './factory.ts';
import type { DraftEvent, IncidentDraft, ScenarioContext } from './types.ts';

/**
 * The benign twin of impossible travel: a customer pays in person at home, flies, and
 * hours later pays in person abroad (once or twice) with their usual device. The gap is
 * the trip at 450-750 km/h door to door plus 1-3 hours at airports, so the apparent
 * speed stays below 800 km/h. While away (until a flight back could have landed), the
 * background does not have them pay in person at home.
 */
export function traveller(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, merchants } = context;
  const customer = context.history.pickEstablished(random);
  if (!customer) return [];
  const abroad = destination(random, customer.home);
  const usual = context.history.usualAmount(customer);
  const flightHours = distanceKm(customer.home, abroad) / random.between(450, 750) + random.between(1, 3);
  const pay = (atMs: number, where: typeof abroad): DraftEvent => ({
    atMs,
    truth: 'legit',
    transaction: tx.purchase(customer, { atMs, amount: tx.ordinaryAmount(usual), merchant: merchants.shopIn(random, where.country), channel: 'card-present', where }),
  });
  const arrivedAt = startMs + flightHours * HOUR_MS;
  const events = [pay(startMs, customer.home), pay(arrivedAt, abroad)];
  if (random.chance(0.5)) events.push(pay(arrivedAt + random.between(20, 180) * MINUTE_MS, abroad));
  // Away until a flight home could have landed after the last payment abroad.
  const untilMs = (events[events.length - 1]?.atMs ?? arrivedAt) + flightHours * HOUR_MS;
  return [{ scenario: 'traveller', events, away: { account: customer.account, fromMs: startMs, untilMs } }];
}

/** Mostly a short-haul trip (under 2,500 km) where there is one, sometimes any country: gaps stay hours, not a day. */
function destination(random: Random, home: Place): Place {
  const abroad = PLACES.filter((place) => place.country !== home.country);
  const near = abroad.filter((place) => distanceKm(place, home) < 2_500);
  return random.pick(near.length > 0 && random.chance(0.7) ? near : abroad);
}
