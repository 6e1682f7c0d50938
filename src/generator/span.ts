import { HOUR_MS, hourOfWeek, intensityAtHour, MEAN_RATE_WEIGHT, PEAK_RATE_PER_MS, rateWeight, rhythmShares, RHYTHMS, WEEK_HOURS } from './pace.ts';
import { seedHashOf, traitsOf } from './population.ts';

/** Up to this many customers the table sums each one; above, the population's expected mix of rhythms is exact enough. */
const SUMMED_CUSTOMERS = 1_000_000;

/**
 * How many payments a population makes in each hour of the week (UTC): how much event
 * time a stream of N of them spans, from a given start or up to a given end. Nights and
 * Sundays are quiet, so the span depends on where in the week it lies.
 */
export class PopulationPace {
  /** Expected payments per millisecond, by UTC hour of the week. */
  readonly #perMs: Float64Array;

  constructor(seed: number, customers: number) {
    this.#perMs = perHourOfWeek(seed, customers);
  }

  /** Payments per second averaged over a week. */
  get meanPerSecond(): number {
    return (this.#perMs.reduce((sum, rate) => sum + rate, 0) / WEEK_HOURS) * 1000;
  }

  /** When a stream of `transactions` payments that ends at `endMs` (epoch) begins, in expectation. */
  startFor(transactions: number, endMs: number): number {
    let atMs = endMs;
    let left = transactions;
    for (;;) {
      const hourStart = Math.ceil(atMs / HOUR_MS) * HOUR_MS - HOUR_MS;
      const rate = this.#perMs[hourOfWeek(hourStart)] ?? 0;
      const inHour = rate * (atMs - hourStart);
      if (inHour >= left) return atMs - left / rate;
      left -= inHour;
      atMs = hourStart;
    }
  }

  /** When a stream of `transactions` payments that begins at `startMs` (epoch) ends, in expectation. */
  endFor(transactions: number, startMs: number): number {
    let atMs = startMs;
    let left = transactions;
    for (;;) {
      const hourEnd = Math.floor(atMs / HOUR_MS) * HOUR_MS + HOUR_MS;
      const rate = this.#perMs[hourOfWeek(atMs)] ?? 0;
      const inHour = rate * (hourEnd - atMs);
      if (inHour >= left) return atMs + left / rate;
      left -= inHour;
      atMs = hourEnd;
    }
  }
}

function perHourOfWeek(seed: number, customers: number): Float64Array {
  const weights = new Float64Array(RHYTHMS);
  if (customers <= SUMMED_CUSTOMERS) {
    const seedHash = seedHashOf(seed);
    for (let index = 0; index < customers; index++) {
      const { rhythm } = traitsOf(seedHash, index);
      weights[rhythm] = (weights[rhythm] ?? 0) + rateWeight(index, customers);
    }
  } else {
    const shares = rhythmShares();
    for (let rhythm = 0; rhythm < RHYTHMS; rhythm++) weights[rhythm] = (shares[rhythm] ?? 0) * customers * MEAN_RATE_WEIGHT;
  }
  const perMs = new Float64Array(WEEK_HOURS);
  for (let hour = 0; hour < WEEK_HOURS; hour++) {
    let sum = 0;
    for (let rhythm = 0; rhythm < RHYTHMS; rhythm++) sum += (weights[rhythm] ?? 0) * intensityAtHour(rhythm, hour);
    perMs[hour] = sum * PEAK_RATE_PER_MS;
  }
  return perMs;
}
