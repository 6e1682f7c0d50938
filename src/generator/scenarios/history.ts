import { DAY_MS } from '../pace.ts';
import type { Customer, CustomerDirectory } from '../population.ts';
import type { Random } from '../random.ts';
import type { GeneratedTransaction } from '../traffic.ts';

/** What makes a customer established: this many payments, the first this many days before the latest. */
export interface HistoryRequirement {
  payments: number;
  days: number;
}

export const ESTABLISHED: HistoryRequirement = { payments: 5, days: 3 };
const RECENT_AMOUNTS = 15;
/**
 * Customers followed at most (the first seen): enough victims for any stream, and bounded
 * memory when the population has millions.
 */
const FOLLOWED = 100_000;

export interface HistoryView {
  /**
   * A customer with a history in the stream (ESTABLISHED, or the stream's own
   * requirement), uniformly among those; none while nobody has one, at the start of a
   * stream: an incident that needs a victim with a past then does not happen.
   */
  pickEstablished(random: Random): Customer | undefined;
  /** What the customer usually pays: the median of their recent payments, their profile's before any. */
  usualAmount(customer: Customer): number;
}

interface Seen {
  count: number;
  firstMs: number;
  /** The last RECENT_AMOUNTS amounts, oldest overwritten first. */
  amounts: number[];
  established: boolean;
}

/**
 * What the background traffic has shown so far, per customer. Only background is
 * observed, so one scenario's transactions never change whom another one picks.
 */
export class History implements HistoryView {
  readonly #directory: CustomerDirectory;
  readonly #requirement: HistoryRequirement;
  readonly #seen = new Map<number, Seen>();
  readonly #established: number[] = [];

  constructor(directory: CustomerDirectory, requirement: HistoryRequirement = ESTABLISHED) {
    this.#directory = directory;
    this.#requirement = requirement;
  }

  /** How many customers are established so far. */
  get established(): number {
    return this.#established.length;
  }

  observe(customer: Customer, transaction: GeneratedTransaction, atMs: number): void {
    let seen = this.#seen.get(customer.index);
    if (!seen) {
      if (this.#seen.size >= FOLLOWED) return;
      seen = { count: 0, firstMs: atMs, amounts: [], established: false };
      this.#seen.set(customer.index, seen);
    }
    if (seen.amounts.length < RECENT_AMOUNTS) seen.amounts.push(transaction.amount);
    else seen.amounts[seen.count % RECENT_AMOUNTS] = transaction.amount;
    seen.count++;
    if (!seen.established && seen.count >= this.#requirement.payments && atMs - seen.firstMs >= this.#requirement.days * DAY_MS) {
      seen.established = true;
      this.#established.push(customer.index);
    }
  }

  pickEstablished(random: Random): Customer | undefined {
    if (this.#established.length === 0) return undefined;
    return this.#directory.at(random.pick(this.#established));
  }

  usualAmount(customer: Customer): number {
    const amounts = this.#seen.get(customer.index)?.amounts ?? [];
    if (amounts.length === 0) return customer.medianAmount;
    const sorted = [...amounts].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? customer.medianAmount;
  }
}
