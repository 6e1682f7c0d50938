import type { Customer } from '../population.ts';
import { MINUTE_MS, money, spreadTimes } from './factory.ts';
import type { Payer } from './identities.ts';
import type { DraftEvent, IncidentDraft, ScenarioContext } from './types.ts';

/**
 * The benign twin of a mule's fan-out: a business pays salaries (1,500-5,000) to 10-30
 * employees within a few minutes. Its history comes first: 4-8 regular supplier
 * payments every 5-15 minutes, unlabelled because they are everyday traffic; the
 * payroll run follows 10-30 minutes after the last one.
 */
export function payroll(context: ScenarioContext, startMs: number): IncidentDraft[] {
  const { random, tx } = context;
  const business = context.identities.payer();
  const { events: history, endMs } = regularPayments(context, business, startMs);
  const staff = employees(context, business, random.int(10, 30));
  const times = spreadTimes(random, endMs + random.between(10, 30) * MINUTE_MS, random.between(2, 8) * MINUTE_MS, staff.length);
  const salaries: DraftEvent[] = staff.map((employee, index) => {
    const atMs = times[index] ?? endMs;
    return { atMs, truth: 'legit', transaction: tx.transfer(business, { atMs, amount: money(random.between(1_500, 5_000)), payee: employee.account }) };
  });
  return [{ scenario: 'payroll', events: [...history, ...salaries] }];
}

function regularPayments(context: ScenarioContext, business: Payer, startMs: number): { events: DraftEvent[]; endMs: number } {
  const { random, tx, identities } = context;
  const suppliers = Array.from({ length: random.int(2, 3) }, () => ({ account: identities.account(), amount: random.between(200, 2_000) }));
  const everyMs = random.between(5, 15) * MINUTE_MS;
  const events: DraftEvent[] = [];
  let atMs = startMs;
  for (let i = random.int(4, 8); i > 0; i--) {
    const supplier = random.pick(suppliers);
    const amount = money(supplier.amount * random.between(0.9, 1.1));
    events.push({ atMs, truth: 'unlabelled', transaction: tx.transfer(business, { atMs, amount, payee: supplier.account }) });
    atMs += everyMs * random.between(0.9, 1.1);
  }
  return { events, endMs: events[events.length - 1]?.atMs ?? startMs };
}

/** Customers living where the business is, or anyone when too few do. */
function employees(context: ScenarioContext, business: Payer, count: number): Customer[] {
  return context.customers.sample(context.random, count, (customer) => customer.home.country === business.home.country);
}
