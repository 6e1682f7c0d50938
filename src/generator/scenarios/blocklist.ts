import type { IncidentDraft, ScenarioContext } from './types.ts';

/**
 * A payment involving an account the ruleset blocks: half the time the blocked account
 * pays a customer (from its own device and ip), half the time a customer pays it.
 * Nothing when the ruleset blocks no account (the mix skips it with a note).
 */
export function blocklist(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx, identities } = context;
  if (context.blockedAccounts.length === 0) return [];
  const blocked = random.pick(context.blockedAccounts);
  const customer = context.customers.pick(random);
  const transaction = random.chance(0.5)
    ? tx.transfer({ ...identities.payer(), account: blocked }, { atMs: startMs, amount: tx.ordinaryAmount(200), payee: customer.account })
    : tx.transfer(customer, { atMs: startMs, amount: tx.ordinaryAmount(customer.medianAmount * 3), payee: blocked });
  return [{ scenario: 'blocklist', events: [{ atMs: startMs, truth: 'fraud', transaction }] }];
}
