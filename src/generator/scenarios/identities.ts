import { PLACES, type Place } from '../geography.ts';
import type { Population } from '../population.ts';
import type { Random } from '../random.ts';

/** Whoever pays: a customer of the population, a fraudster holding a victim's card, a mule. */
export interface Payer {
  account: string;
  card: string;
  device: string;
  ip: string;
  home: Place;
}

/**
 * The ids of a held population's customers, made once per population and shared by the
 * factories of every kind. (Customers of a population too large to hold are not listed:
 * a fresh 12-character id meets one of theirs with a chance of about one in 10^14.)
 */
const TAKEN_BY_POPULATION = new WeakMap<Population, ReadonlySet<string>>();

function takenBy(population: Population): ReadonlySet<string> {
  let taken = TAKEN_BY_POPULATION.get(population);
  if (!taken) {
    taken = new Set(population.customers.flatMap((customer) => [customer.account, customer.card, customer.device, customer.ip]));
    TAKEN_BY_POPULATION.set(population, taken);
  }
  return taken;
}

/**
 * Accounts, devices, ips and cards that no one has used: same formats as the
 * population's, so an id alone never gives a fraudster away.
 */
export class IdentityFactory {
  readonly #random: Random;
  readonly #population: ReadonlySet<string>;
  /** What this factory handed out (each kind has its own, so kinds never shift each other's ids). */
  readonly #issued = new Set<string>();

  constructor(random: Random, population: Population) {
    this.#random = random;
    this.#population = takenBy(population);
  }

  account(): string {
    return this.#fresh(() => this.#random.id(12));
  }

  device(): string {
    return this.#fresh(() => `dev-${this.#random.id(10)}`);
  }

  ip(): string {
    const r = this.#random;
    return this.#fresh(() => `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`);
  }

  card(): string {
    return this.#fresh(() => `card-${this.#random.id(10)}`);
  }

  /** A new account with its own card, device and ip, living somewhere (a mule, a business). */
  payer(home?: Place): Payer {
    const place = home ?? this.#random.weighted(PLACES.map((candidate) => [candidate, candidate.weight] as const));
    return { account: this.account(), card: this.card(), device: this.device(), ip: this.ip(), home: place };
  }

  #fresh(make: () => string): string {
    for (;;) {
      const value = make();
      if (!this.#population.has(value) && !this.#issued.has(value)) {
        this.#issued.add(value);
        return value;
      }
    }
  }
}
