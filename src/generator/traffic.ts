import type { Transaction } from '../domain/transaction.ts';
import { LiveClock, PopulationClock, type EventClock } from './clock.ts';
import { customersForRate } from './pace.ts';
import { createPopulation, fmix32, type Customer, type Merchant, type Population } from './population.ts';
import { Random } from './random.ts';

export interface GeneratedTransaction extends Transaction {
  id: string;
  timestamp: string;
}

/** One generated transaction, when it happens (simulated milliseconds since the stream began) and who made it. */
export interface GeneratedEvent {
  atMs: number;
  customer: Customer;
  transaction: GeneratedTransaction;
}

export interface TrafficOptions {
  seed: number;
  /** Epoch milliseconds of the first moment of the stream; timestamps are this plus simulated time. */
  startTime: number;
  /**
   * Live traffic: event time advances at this many transactions per second, so that
   * written at this rate it is the wall clock. Absent: the population's own pace (nights
   * quiet, each customer paying a few times a week), as fast as it is read.
   */
  ratePerSecond?: number;
  /** Default: DEFAULT_CUSTOMERS at the population's pace; live, as many as pay `ratePerSecond` between them. */
  customers?: number;
  merchants?: number;
}

/** The population at its own pace by default: a small bank's card holders, about 0.4 payments a second between them. */
export const DEFAULT_CUSTOMERS = 50_000;
const LIVE_CUSTOMERS = { min: 1_000, max: 10_000_000 } as const;

/** Share of payments that are transfers to another customer rather than card purchases. */
const TRANSFER_SHARE = 0.12;
/** Most purchases go to a few regular shops, most transfers to a few regular payees. */
const HABITS = { localShops: 6, onlineShops: 4, payees: 3, shopShare: 0.7, payeeShare: 0.8 } as const;

/** Live: as many customers as pay `ratePerSecond` between them, each a few times a week (within bounds). */
export function liveCustomers(ratePerSecond: number): number {
  return Math.min(LIVE_CUSTOMERS.max, Math.max(LIVE_CUSTOMERS.min, customersForRate(ratePerSecond)));
}

/** The population size the options ask for, or the default of their clock. */
export function customersOf(options: Pick<TrafficOptions, 'customers' | 'ratePerSecond'>): number {
  if (options.customers !== undefined) return options.customers;
  return options.ratePerSecond === undefined ? DEFAULT_CUSTOMERS : liveCustomers(options.ratePerSecond);
}

/**
 * Everyday payments of a seeded population: card purchases at merchants, mostly in the
 * customer's country and at their regular shops, and transfers between customers.
 * Amounts are log-normal around each customer's habit, so most are small with a long
 * tail, as real card traffic is. The clock says when and who (clock.ts).
 */
export class TrafficGenerator {
  readonly population: Population;
  readonly #random: Random;
  readonly #options: TrafficOptions;
  readonly #clock: EventClock;
  readonly #merchantsByCountry = new Map<string, Merchant[]>();
  readonly #onlineMerchants: Merchant[];
  #clockMs = 0;

  constructor(options: TrafficOptions) {
    const root = new Random(options.seed);
    this.population = createPopulation(root.fork(), { seed: options.seed, customers: customersOf(options), merchants: options.merchants ?? 2_000 });
    this.#random = root.fork();
    this.#options = options;
    const clockRandom = root.fork();
    this.#clock =
      options.ratePerSecond === undefined
        ? new PopulationClock(this.population.directory, clockRandom, options.startTime)
        : new LiveClock(this.population.directory, clockRandom, { startTime: options.startTime, ratePerSecond: options.ratePerSecond });
    for (const merchant of this.population.merchants) {
      const list = this.#merchantsByCountry.get(merchant.place.country) ?? [];
      list.push(merchant);
      this.#merchantsByCountry.set(merchant.place.country, list);
    }
    this.#onlineMerchants = this.population.merchants.filter((merchant) => merchant.online);
  }

  /** Event time follows the wall clock (ratePerSecond given) rather than the population's pace. */
  get live(): boolean {
    return this.#clock.live;
  }

  next(): GeneratedEvent {
    const tick = this.#clock.next();
    this.#clockMs = tick.atMs;
    const customer = this.population.directory.at(tick.index);
    const transaction = this.#random.chance(TRANSFER_SHARE) ? this.#transfer(customer) : this.#purchase(customer);
    return { atMs: tick.atMs, customer, transaction };
  }

  /** Current simulated time, for scenarios that interleave their own events. */
  get clockMs(): number {
    return this.#clockMs;
  }

  #purchase(customer: Customer): GeneratedTransaction {
    const random = this.#random;
    const online = random.chance(0.35) && this.#onlineMerchants.length > 0;
    const shops = online ? this.#onlineMerchants : (this.#merchantsByCountry.get(customer.home.country) ?? this.population.merchants);
    const merchant = random.chance(HABITS.shopShare)
      ? (shops[regular(customer.habitKey, random.int(0, online ? HABITS.onlineShops - 1 : HABITS.localShops - 1), online ? 1 : 2) % shops.length] as Merchant)
      : random.pick(shops);
    const where = online ? customer.home : merchant.place;
    // Now and then a big-ticket purchase (a laptop, a flight): the long tail of real spend.
    const median = random.chance(0.05) ? 800 : customer.medianAmount * merchant.ticketFactor;
    // Built whole, field by field, rather than spread from a base: a stream of millions makes no garbage it need not.
    return {
      id: this.#id(),
      timestamp: this.#timestamp(),
      source: customer.account,
      target: merchant.id,
      amount: this.#amount(median),
      currency: customer.home.currency,
      card: customer.card,
      device: customer.device,
      ip: customer.ip,
      channel: online ? 'ecommerce' : 'card-present',
      merchant: merchant.name,
      mcc: merchant.mcc,
      country: where.country,
      lat: jitter(random, where.lat),
      lon: jitter(random, where.lon),
    };
  }

  #transfer(customer: Customer): GeneratedTransaction {
    const id = this.#id();
    const amount = this.#amount(customer.medianAmount * 3);
    return {
      id,
      timestamp: this.#timestamp(),
      source: customer.account,
      target: this.#payee(customer).account,
      amount,
      currency: customer.home.currency,
      card: customer.card,
      device: customer.device,
      ip: customer.ip,
      channel: 'transfer',
      country: customer.home.country,
    };
  }

  /** Family, a landlord, a flatmate most of the time; now and then someone new. */
  #payee(customer: Customer): Customer {
    const { directory } = this.population;
    if (directory.size === 1) return customer;
    if (!this.#random.chance(HABITS.payeeShare)) return directory.pick(this.#random);
    const slot = regular(customer.habitKey, this.#random.int(0, HABITS.payees - 1), 3) % (directory.size - 1);
    // Any index but the customer's own.
    return directory.at(slot >= customer.index ? slot + 1 : slot);
  }

  #id(): string {
    return `tx-${this.#random.id(16)}`;
  }

  #timestamp(): string {
    return new Date(this.#options.startTime + Math.round(this.#clockMs)).toISOString();
  }

  #amount(median: number): number {
    const value = this.#random.logNormal(median, 0.75);
    return Math.min(25_000, Math.max(0.5, Math.round(value * 100) / 100));
  }
}

/** The customer's `choice`-th regular of a kind (shops near home, online shops, payees), as a well-spread number. */
function regular(habitKey: number, choice: number, kind: number): number {
  return fmix32(habitKey ^ Math.imul(choice * 4 + kind + 1, 0x9e3779b1));
}

/** A few kilometres around a city centre. */
function jitter(random: Random, degrees: number): number {
  return Math.round((degrees + random.between(-0.05, 0.05)) * 10_000) / 10_000;
}
