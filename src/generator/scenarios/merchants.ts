import { PLACES } from '../geography.ts';
import type { Merchant, Population } from '../population.ts';
import type { Random } from '../random.ts';

/** Kinds fraudsters cash out at that the everyday population has no shop of. */
const RESALE_KINDS = [
  { name: 'jewellery', mcc: '5944' },
  { name: 'gift-cards', mcc: '5947' },
] as const;
const ELECTRONICS_MCC = '5732';
const TRAVEL_MCC = '4722';

/** The population's merchants sorted the ways scenarios look for them. */
export class MerchantIndex {
  readonly online: Merchant[];
  /** Online shops of easily resold goods: electronics, jewellery, gift cards. */
  readonly resale: Merchant[];
  readonly travel: Merchant[];
  readonly #shops = new Map<string, Merchant[]>();
  readonly #anyShop: Merchant[];

  /** `random` only invents the resale shops, so it is a stream of its own. */
  constructor(population: Population, random: Random) {
    this.online = population.merchants.filter((merchant) => merchant.online);
    this.travel = population.merchants.filter((merchant) => merchant.mcc === TRAVEL_MCC);
    this.#anyShop = population.merchants.filter((merchant) => !merchant.online);
    for (const merchant of this.#anyShop) {
      const list = this.#shops.get(merchant.place.country) ?? [];
      list.push(merchant);
      this.#shops.set(merchant.place.country, list);
    }
    this.resale = [...this.online.filter((merchant) => merchant.mcc === ELECTRONICS_MCC), ...inventResaleShops(random)];
  }

  /** A shop to pay at in person in a country; one elsewhere when the country has none (the caller places the payment). */
  shopIn(random: Random, country: string): Merchant {
    const local = this.#shops.get(country);
    return random.pick(local && local.length > 0 ? local : this.#anyShop);
  }

  /** `count` different online merchants (fewer if there are not that many). */
  distinctOnline(random: Random, count: number): Merchant[] {
    const pool = [...this.online];
    const picked: Merchant[] = [];
    while (picked.length < count && pool.length > 0) picked.push(pool.splice(random.int(0, pool.length - 1), 1)[0] as Merchant);
    return picked;
  }
}

function inventResaleShops(random: Random): Merchant[] {
  const shops: Merchant[] = [];
  for (const kind of RESALE_KINDS) {
    for (let i = 0; i < 4; i++) {
      shops.push({
        id: `M${random.id(11)}`,
        name: `${kind.name}-x${i}`,
        mcc: kind.mcc,
        place: random.pick(PLACES),
        online: true,
        ticketFactor: 5,
      });
    }
  }
  return shops;
}
