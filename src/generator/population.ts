import { PLACES, type Place } from './geography.ts';
import { ACTIVE_FROM, ACTIVE_LENGTH, activeUntil, paymentsPerWeek, rateWeight, rhythmOf } from './pace.ts';
import { Random } from './random.ts';

/** A customer's habits: where they live, what they usually spend, how often and when they pay, the device and card they use. */
export interface Customer {
  /** Position in the population, from 0: it alone gives the customer (see CustomerDirectory). */
  index: number;
  account: string;
  card: string;
  device: string;
  ip: string;
  home: Place;
  /** Median of their payments; amounts are log-normal around it. */
  medianAmount: number;
  /** Payments in an average week (their pace; see pace.ts). */
  paymentsPerWeek: number;
  /** Relative rate of payment, 1 for the median customer: how often the clock picks them. */
  rateWeight: number;
  /** Hours of the local day (0-23, both included) they usually pay in. */
  activeHours: readonly [number, number];
  /** Their time zone and active hours as one number (pace.ts), for the clock. */
  rhythm: number;
  /** Picks their regular shops and payees: the same few, payment after payment. */
  habitKey: number;
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
  /** Every customer, by index. */
  directory: CustomerDirectory;
  /** The customers held in memory: all of a population up to HELD_CUSTOMERS, none of a larger one. */
  customers: readonly Customer[];
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

/** Up to this many customers are made once and held; above, each is made again when needed. */
export const HELD_CUSTOMERS = 50_000;

export function createPopulation(random: Random, size: { seed: number; customers: number; merchants: number }): Population {
  const merchants: Merchant[] = [];
  for (let i = 0; i < size.merchants; i++) {
    const kind = random.weighted(MERCHANT_KINDS);
    merchants.push({
      id: `M${random.id(11)}`,
      name: `${kind.name}-${i}`,
      mcc: kind.mcc,
      place: random.weighted(PLACE_WEIGHTS),
      online: random.chance(kind.online),
      ticketFactor: kind.ticket,
    });
  }
  const directory = new CustomerDirectory(size.seed, size.customers);
  return { directory, customers: directory.held, merchants };
}

const PLACE_WEIGHTS = PLACES.map((place) => [place, place.weight] as const);
/** A place per percent of the population (the weights sum to 100): a home from one hashed number. */
const PLACE_BY_PERCENT: readonly Place[] = PLACES.flatMap((place) => Array.from({ length: place.weight }, () => place));

/** Home and active hours of customer `index`: hashed, not drawn, so the clock can ask for thousands a second at no cost. */
export function traitsOf(seedHash: number, index: number): { home: Place; from: number; length: number; rhythm: number; habitKey: number } {
  const first = fmix32(Math.imul(index + 1, 0x9e3779b1) ^ seedHash);
  const second = fmix32(first ^ 0x85ebca6b);
  const home = PLACE_BY_PERCENT[first % PLACE_BY_PERCENT.length] as Place;
  const from = ACTIVE_FROM.min + (second % (ACTIVE_FROM.max - ACTIVE_FROM.min + 1));
  const length = ACTIVE_LENGTH.min + ((second >>> 8) % (ACTIVE_LENGTH.max - ACTIVE_LENGTH.min + 1));
  return { home, from, length, rhythm: rhythmOf(home.utcOffset, from, length), habitKey: fmix32(second ^ 0xc2b2ae35) };
}

export function seedHashOf(seed: number): number {
  return fmix32(seed ^ 0x5bd1e995);
}

function makeCustomer(seed: number, index: number, size: number): Customer {
  const traits = traitsOf(seedHashOf(seed), index);
  const random = new Random(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77));
  const weight = rateWeight(index, size);
  return {
    index,
    account: random.id(12),
    card: `card-${random.id(10)}`,
    device: `dev-${random.id(10)}`,
    ip: `${random.int(11, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`,
    home: traits.home,
    // Typical spend differs a lot between people: a log-normal of medians, 8 to 150 in the main.
    medianAmount: Math.min(400, Math.max(3, random.logNormal(30, 0.6))),
    paymentsPerWeek: Math.round(paymentsPerWeek(weight, traits.rhythm) * 100) / 100,
    rateWeight: weight,
    activeHours: [traits.from, activeUntil(traits.from, traits.length)],
    rhythm: traits.rhythm,
    habitKey: traits.habitKey,
  };
}

/**
 * Every customer of a population by index, each made from the seed and its index alone,
 * so customer i is the same every time it is asked for. A population up to HELD_CUSTOMERS
 * is made once and held; a larger one (millions: realistic traffic at thousands of
 * payments per second needs that many, or every customer would pay several times a
 * minute) keeps only the recently used ones.
 */
export class CustomerDirectory {
  readonly size: number;
  readonly seedHash: number;
  readonly held: readonly Customer[];
  readonly #seed: number;
  /**
   * A direct-mapped cache (customer i lives in slot i mod its size): constant time, no
   * eviction walk.
   */
  readonly #slots: Array<Customer | undefined>;

  constructor(seed: number, size: number, cacheSize = 65_536) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a population needs at least one customer, got ${size}`);
    this.#seed = seed;
    this.size = size;
    this.seedHash = seedHashOf(seed);
    this.held = size <= HELD_CUSTOMERS ? Array.from({ length: size }, (_, index) => makeCustomer(seed, index, size)) : [];
    this.#slots = this.held.length > 0 ? [] : new Array<Customer | undefined>(Math.min(cacheSize, size));
  }

  at(index: number): Customer {
    const held = this.held[index];
    if (held) return held;
    const slot = index % this.#slots.length;
    const cached = this.#slots[slot];
    if (cached?.index === index) return cached;
    const customer = makeCustomer(this.#seed, index, this.size);
    this.#slots[slot] = customer;
    return customer;
  }

  rhythmAt(index: number): number {
    return this.held[index]?.rhythm ?? traitsOf(this.seedHash, index).rhythm;
  }

  /** A customer drawn uniformly (not by how often they pay). */
  pick(random: Random): Customer {
    return this.at(random.int(0, this.size - 1));
  }

  /**
   * `count` different customers drawn uniformly (all of a smaller population). With
   * `prefer`, only those it accepts while a bounded number of draws finds them, then anyone:
   * a handful of Tokyo residents among millions is found, but a filter nobody passes never hangs.
   */
  sample(random: Random, count: number, prefer?: (customer: Customer) => boolean): Customer[] {
    const wanted = Math.min(count, this.size);
    const picked = new Map<number, Customer>();
    for (let draws = 1; picked.size < wanted; draws++) {
      const customer = this.pick(random);
      if (prefer && draws <= wanted * 200 && !prefer(customer)) continue;
      picked.set(customer.index, customer);
    }
    return [...picked.values()];
  }
}

/** Murmur3's finaliser: a well-spread 32-bit hash of a 32-bit number. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
