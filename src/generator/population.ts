import { PLACES, type Place } from './geography.ts';
import { Random } from './random.ts';

/** A customer's habits: where they live, what they usually spend, the device and card they use. */
export interface Customer {
  account: string;
  card: string;
  device: string;
  ip: string;
  home: Place;
  /** Median of their payments; amounts are log-normal around it. */
  medianAmount: number;
  /** Relative share of the traffic they make. */
  activity: number;
  /** Hours of the day (local, 0-23) they usually pay in. */
  activeHours: readonly [number, number];
}

export interface Merchant {
  id: string;
  name: string;
  mcc: string;
  place: Place;
  online: boolean;
  /** Scales the customer's usual amount: a grocery is cheaper than an electronics store. */
  ticketFactor: number;
}

export interface Population {
  customers: Customer[];
  merchants: Merchant[];
}

const MERCHANT_KINDS: ReadonlyArray<readonly [{ name: string; mcc: string; ticket: number; online: number }, number]> = [
  [{ name: 'grocery', mcc: '5411', ticket: 0.8, online: 0.05 }, 30],
  [{ name: 'restaurant', mcc: '5812', ticket: 0.7, online: 0 }, 20],
  [{ name: 'fuel', mcc: '5541', ticket: 1.2, online: 0 }, 10],
  [{ name: 'clothing', mcc: '5651', ticket: 1.5, online: 0.4 }, 10],
  [{ name: 'electronics', mcc: '5732', ticket: 4, online: 0.6 }, 5],
  [{ name: 'marketplace', mcc: '5399', ticket: 1.2, online: 1 }, 10],
  [{ name: 'travel', mcc: '4722', ticket: 6, online: 0.8 }, 4],
  [{ name: 'streaming', mcc: '4899', ticket: 0.3, online: 1 }, 6],
  [{ name: 'pharmacy', mcc: '5912', ticket: 0.6, online: 0.2 }, 5],
];

export function createPopulation(random: Random, size: { customers: number; merchants: number }): Population {
  const places = PLACE_WEIGHTS;
  const merchants: Merchant[] = [];
  for (let i = 0; i < size.merchants; i++) {
    const kind = random.weighted(MERCHANT_KINDS);
    merchants.push({
      id: `M${random.id(11)}`,
      name: `${kind.name}-${i}`,
      mcc: kind.mcc,
      place: random.weighted(places),
      online: random.chance(kind.online),
      ticketFactor: kind.ticket,
    });
  }
  const customers: Customer[] = [];
  for (let i = 0; i < size.customers; i++) customers.push(makeCustomer(random));
  return { customers, merchants };
}

const PLACE_WEIGHTS = PLACES.map((place) => [place, place.weight] as const);

function makeCustomer(random: Random): Customer {
  const start = random.int(6, 10);
  return {
    account: random.id(12),
    card: `card-${random.id(10)}`,
    device: `dev-${random.id(10)}`,
    ip: `${random.int(11, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`,
    home: random.weighted(PLACE_WEIGHTS),
    // Typical spend differs a lot between people: a log-normal of medians, 8 to 150 in the main.
    medianAmount: Math.min(400, Math.max(3, random.logNormal(30, 0.6))),
    activity: random.logNormal(1, 0.8),
    activeHours: [start, Math.min(23, start + random.int(10, 15))],
  };
}

/**
 * Millions of customers without holding them: customer i is drawn from its own seed,
 * the same every time it is asked for, and only the recently used ones are kept.
 * Realistic traffic at thousands of payments per second needs a population that size,
 * or every customer would pay several times a minute.
 */
export class LazyCustomers {
  readonly size: number;
  readonly #seed: number;
  /**
   * A direct-mapped cache (customer i lives in slot i mod its size): constant time, no
   * eviction walk, and the busy customers (low indices) stay in it.
   */
  readonly #slots: Array<{ index: number; customer: Customer } | undefined>;

  constructor(seed: number, size: number, cacheSize = 65_536) {
    this.#seed = seed;
    this.size = size;
    this.#slots = new Array(Math.min(cacheSize, size));
  }

  at(index: number): Customer {
    const slot = index % this.#slots.length;
    const cached = this.#slots[slot];
    if (cached?.index === index) return cached.customer;
    const customer = makeCustomer(new Random(Math.imul(this.#seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)));
    this.#slots[slot] = { index, customer };
    return customer;
  }
}
