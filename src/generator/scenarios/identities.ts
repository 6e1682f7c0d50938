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
 * Accounts, devices, ips and cards that no one has used: same formats as the
 * population's, so an id alone never gives a fraudster away.
 */
export class IdentityFactory {
  readonly #random: Random;
  readonly #taken: Set<string>;

  constructor(random: Random, population: Population) {
    this.#random = random;
    this.#taken = new Set(population.customers.flatMap((customer) => [customer.account, customer.card, customer.device, customer.ip]));
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
      if (!this.#taken.has(value)) {
        this.#taken.add(value);
        return value;
      }
    }
  }
}
