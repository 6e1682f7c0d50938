import type { Customer, Population } from '../population.ts';
import type { Random } from '../random.ts';
import type { GeneratedTransaction } from '../traffic.ts';

/** Payments a customer must have made before a scenario treats them as established. */
export const ESTABLISHED_AFTER = 5;
const RECENT_AMOUNTS = 15;

export interface HistoryView {
  /**
   * A customer with history in the stream (at least ESTABLISHED_AFTER payments seen);
   * while nobody has that much yet, at the very start of a stream, the one seen most.
   */
  pickEstablished(random: Random): Customer;
  /** What the customer usually pays: the median of their recent payments, their profile's before any. */
  usualAmount(customer: Customer): number;
  /** Payments of the account seen so far. */
  count(account: string): number;
}

interface Seen {
  customer: Customer;
  count: number;
  amounts: number[];
}

/**
 * What the background traffic has shown so far, per customer. Only background is
 * observed, so one scenario's transactions never change whom another one picks.
 */
export class History implements HistoryView {
  readonly #seen = new Map<string, Seen>();
  readonly #established: Customer[] = [];
  #mostSeen: Seen;

  constructor(population: Population) {
    const first = population.customers[0];
    if (!first) throw new RangeError('a scenario stream needs at least one customer');
    this.#mostSeen = { customer: first, count: 0, amounts: [] };
    for (const customer of population.customers) this.#seen.set(customer.account, { customer, count: 0, amounts: [] });
  }

  observe(transaction: GeneratedTransaction): void {
    const seen = this.#seen.get(transaction.source);
    if (!seen) return;
    seen.count++;
    seen.amounts.push(transaction.amount);
    if (seen.amounts.length > RECENT_AMOUNTS) seen.amounts.shift();
    if (seen.count === ESTABLISHED_AFTER) this.#established.push(seen.customer);
    if (seen.count > this.#mostSeen.count) this.#mostSeen = seen;
  }

  pickEstablished(random: Random): Customer {
    return this.#established.length > 0 ? random.pick(this.#established) : this.#mostSeen.customer;
  }

  usualAmount(customer: Customer): number {
    const amounts = this.#seen.get(customer.account)?.amounts ?? [];
    if (amounts.length === 0) return customer.medianAmount;
    const sorted = [...amounts].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? customer.medianAmount;
  }

  count(account: string): number {
    return this.#seen.get(account)?.count ?? 0;
  }
}
