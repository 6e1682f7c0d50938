import { HOUR_MS, MINUTE_MS } from './factory.ts';
import { localHour } from './local-time.ts';
import type { IncidentDraft, ScenarioContext } from './types.ts';

/** Local hours counted as night: from midnight to before 5, so a half-hour session ends before 6. */
export const NIGHT_FROM = 0;
export const NIGHT_UNTIL = 5;

/**
 * A customer with a history of daytime payments paying at night, local time (0-5 h), 1-3
 * ordinary payments within half an hour, with their usual device and ip. The session
 * waits for the next night where they live.
 */
export function nightOwl(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, merchants } = context;
  const customer = context.history.pickEstablished(random);
  if (!customer) return [];
  const atMs = nextNight(startMs, context.startTime, customer.home.country);
  const usual = context.history.usualAmount(customer);
  const events = Array.from({ length: random.int(1, 3) }, (_, index) => {
    const when = atMs + (index === 0 ? 0 : random.between(1, 30) * MINUTE_MS);
    const online = random.chance(0.5);
    const merchant = online ? random.pick(merchants.online) : merchants.shopIn(random, customer.home.country);
    const channel = online ? ('ecommerce' as const) : ('card-present' as const);
    return { atMs: when, truth: 'legit' as const, transaction: tx.purchase(customer, { atMs: when, amount: tx.ordinaryAmount(usual), merchant, channel, where: customer.home }) };
  });
  events.sort((a, b) => a.atMs - b.atMs);
  return [{ scenario: 'night-owl', events }];
}

function isNight(epochMs: number, country: string): boolean {
  const hour = localHour(epochMs, country);
  return hour >= NIGHT_FROM && hour < NIGHT_UNTIL;
}

/** The first moment from `startMs` (stepping by quarter hours) when it is night in `country`. */
function nextNight(startMs: number, epochOfStart: number, country: string): number {
  let atMs = startMs;
  while (!isNight(epochOfStart + atMs, country)) atMs += HOUR_MS / 4;
  return atMs;
}
