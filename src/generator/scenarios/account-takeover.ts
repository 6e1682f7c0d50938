import { PLACES } from '../geography.ts';
import { MINUTE_MS, money } from './factory.ts';
import type { Payer } from './identities.ts';
import type { DraftEvent, IncidentDraft, ScenarioContext } from './types.ts';

/**
 * Someone else logs into an established account (one with a history of payments): from a never-seen device and ip in
 * another country they make one or two small payments (checking the access), then,
 * within the hour, drain it with a transfer of 10-40 times the victim's usual amount
 * to a payee the account never paid.
 */
export function accountTakeover(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, identities } = context;
  const victim = context.history.pickEstablished(random);
  if (!victim) return [];
  const where = random.pick(PLACES.filter((place) => place.country !== victim.home.country));
  const intruder: Payer = { ...victim, device: identities.device(), ip: identities.ip() };
  const events: DraftEvent[] = [];
  let atMs = startMs;
  for (let probe = random.int(1, 2); probe > 0; probe--) {
    const merchant = random.pick(context.merchants.online);
    events.push({ atMs, truth: 'fraud', transaction: tx.purchase(intruder, { atMs, amount: money(random.between(1, 40)), merchant, channel: 'ecommerce', where }) });
    atMs += random.between(1, 10) * MINUTE_MS;
  }
  const drainAt = startMs + random.between(10, 60) * MINUTE_MS;
  const amount = money(Math.min(25_000, context.history.usualAmount(victim) * random.between(10, 40)));
  events.push({ atMs: Math.max(drainAt, atMs), truth: 'fraud', transaction: tx.transfer(intruder, { atMs: Math.max(drainAt, atMs), amount, payee: identities.account(), where }) });
  return [{ scenario: 'account-takeover', events }];
}
