import type { Transaction } from '../domain/transaction.ts';
import { createPopulation, LazyCustomers, type Customer, type Merchant, type Population } from './population.ts';
import { Random } from './random.ts';

export interface GeneratedTransaction extends Transaction {
  id: string;
  timestamp: string;
}

/** One generated transaction and when it happens, in simulated milliseconds since the stream began. */
export interface GeneratedEvent {
  atMs: number;
  transaction: GeneratedTransaction;
}

export interface TrafficOptions {
  seed: number;
  /** Mean transactions per second of simulated time (a Poisson process). */
  ratePerSecond: number;
  /** Epoch milliseconds of the first moment of the stream; timestamps are this plus simulated time. */
  startTime: number;
  /** Default: enough that an average customer pays about every ten minutes at this rate. */
  customers?: number;
  merchants?: number;
}

/** Above this many customers they are drawn on demand (LazyCustomers) instead of held. */
const MATERIALIZED_CUSTOMERS = 50_000;

export function defaultCustomers(ratePerSecond: number): number {
  return Math.min(10_000_000, Math.max(10_000, Math.round(ratePerSecond * 600)));
}

/**
 * Everyday payments of a seeded population: card purchases at merchants, mostly in the
 * customer's country, and transfers between customers. Amounts are log-normal around
 * each customer's habit, so most are small with a long tail, as real card traffic is.
 */
export class TrafficGenerator {
  readonly population: Population;
  readonly #random: Random;
  readonly #options: TrafficOptions;
  readonly #cumulativeActivity: Float64Array;
  readonly #lazy: LazyCustomers | undefined;
  readonly #merchantsByCountry = new Map<string, Merchant[]>();
  readonly #onlineMerchants: Merchant[];
  #clockMs = 0;

  constructor(options: TrafficOptions) {
    const root = new Random(options.seed);
    const customers = options.customers ?? defaultCustomers(options.ratePerSecond);
    const lazy = customers > MATERIALIZED_CUSTOMERS;
    this.population = createPopulation(root.fork(), { customers: lazy ? 0 : customers, merchants: options.merchants ?? 2_000 });
    this.#lazy = lazy ? new LazyCustomers(options.seed, customers) : undefined;
    this.#random = root.fork();
    this.#options = options;
    this.#cumulativeActivity = cumulative(this.population.customers.map((customer) => customer.activity));
    for (const merchant of this.population.merchants) {
      const list = this.#merchantsByCountry.get(merchant.place.country) ?? [];
      list.push(merchant);
      this.#merchantsByCountry.set(merchant.place.country, list);
    }
    this.#onlineMerchants = this.population.merchants.filter((merchant) => merchant.online);
  }

  get random(): Random {
    return this.#random;
  }

  next(): GeneratedEvent {
    this.#clockMs += this.#random.exponentialMs(this.#options.ratePerSecond);
    const customer = this.pickCustomer();
    const transaction = this.#random.chance(0.12) ? this.transfer(customer) : this.purchase(customer);
    return { atMs: this.#clockMs, transaction };
  }

  /** Current simulated time, for scenarios that interleave their own events. */
  get clockMs(): number {
    return this.#clockMs;
  }

  pickCustomer(): Customer {
    // A power of a uniform draw skews the choice to low indices: some customers pay more
    // often than others, as the activity weights do for a held population, but mildly, so
    // that even the busiest pays a few times an hour, not a few times a minute.
    if (this.#lazy) return this.#lazy.at(Math.floor(this.#lazy.size * this.#random.float() ** 1.3));
    const total = this.#cumulativeActivity[this.#cumulativeActivity.length - 1] ?? 0;
    const index = lowerBound(this.#cumulativeActivity, this.#random.float() * total);
    return this.population.customers[index] as Customer;
  }

  purchase(customer: Customer, overrides: Partial<GeneratedTransaction> = {}): GeneratedTransaction {
    const online = this.#random.chance(0.35);
    const local = this.#merchantsByCountry.get(customer.home.country) ?? this.population.merchants;
    const merchant = this.#random.pick(online && this.#onlineMerchants.length > 0 ? this.#onlineMerchants : local);
    const where = online ? customer.home : merchant.place;
    // Now and then a big-ticket purchase (a laptop, a flight): the long tail of real spend.
    const median = this.#random.chance(0.05) ? 800 : customer.medianAmount * merchant.ticketFactor;
    return {
      ...this.base(customer, this.amount(median)),
      target: merchant.id,
      channel: online ? 'ecommerce' : 'card-present',
      merchant: merchant.name,
      mcc: merchant.mcc,
      country: where.country,
      lat: jitter(this.#random, where.lat),
      lon: jitter(this.#random, where.lon),
      ...overrides,
    };
  }

  transfer(customer: Customer, overrides: Partial<GeneratedTransaction> = {}): GeneratedTransaction {
    const payee = this.pickCustomer();
    return {
      ...this.base(customer, this.amount(customer.medianAmount * 3)),
      target: payee.account,
      channel: 'transfer',
      country: customer.home.country,
      ...overrides,
    };
  }

  /** Fields every transaction of this customer carries. */
  base(customer: Customer, amount: number): GeneratedTransaction {
    return {
      id: `tx-${this.#random.id(16)}`,
      timestamp: new Date(this.#options.startTime + Math.round(this.#clockMs)).toISOString(),
      source: customer.account,
      target: '',
      amount,
      currency: customer.home.currency,
      card: customer.card,
      device: customer.device,
      ip: customer.ip,
    };
  }

  amount(median: number): number {
    const value = this.#random.logNormal(median, 0.75);
    return Math.min(25_000, Math.max(0.5, Math.round(value * 100) / 100));
  }
}

function cumulative(weights: number[]): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((weight, index) => {
    total += weight;
    sums[index] = total;
  });
  return sums;
}

/** First index whose cumulative weight exceeds the target. */
function lowerBound(sums: Float64Array, target: number): number {
  let low = 0;
  let high = sums.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sums[middle] as number) > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** A few kilometres around a city centre. */
function jitter(random: Random, degrees: number): number {
  return Math.round((degrees + random.between(-0.05, 0.05)) * 10_000) / 10_000;
}
