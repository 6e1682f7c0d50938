import { normalCdf } from './normal.ts';
import { intensity, MEAN_RATE_WEIGHT, PAYMENTS_PER_WEEK, PEAK_RATE_PER_MS } from './pace.ts';
import type { CustomerDirectory } from './population.ts';
import type { Random } from './random.ts';

/** The next payment: when (simulated milliseconds since the stream began) and who pays (customer index). */
export interface Tick {
  atMs: number;
  index: number;
}

/** Event time of generated traffic, and who pays at each moment. */
export interface EventClock {
  next(): Tick;
  /** Event time follows the wall clock from the start (live traffic) rather than the population's own pace. */
  readonly live: boolean;
}

/**
 * A customer index in proportion to the customers' rate weights, in constant time: the
 * weights are log-normal by index quantile (pace.ts), and a log-normal weighted by itself
 * is the same log-normal shifted by sigma, so a normal draw shifted by sigma names the
 * index's quantile.
 */
function busyIndex(random: Random, size: number): number {
  return Math.min(size - 1, Math.floor(normalCdf(random.normal() + PAYMENTS_PER_WEEK.sigma) * size));
}

/**
 * The population's own pace: every customer a Poisson process at their own rate, thinned
 * by their hour of the local day and day of the week. Candidates come at the rate the
 * population would pay at if every hour were everyone's busiest; a candidate is kept with
 * its customer's intensity at that moment. So nights are quiet, a customer's payments are
 * days apart, and N payments span N / (customers x rate) of event time.
 */
export class PopulationClock implements EventClock {
  readonly live = false;
  readonly #directory: CustomerDirectory;
  readonly #random: Random;
  readonly #startTime: number;
  readonly #meanGapMs: number;
  #clockMs = 0;

  constructor(directory: CustomerDirectory, random: Random, startTime: number) {
    this.#directory = directory;
    this.#random = random;
    this.#startTime = startTime;
    this.#meanGapMs = 1 / (directory.size * PEAK_RATE_PER_MS * MEAN_RATE_WEIGHT);
  }

  next(): Tick {
    const random = this.#random;
    for (;;) {
      this.#clockMs += -Math.log(1 - random.float()) * this.#meanGapMs;
      const index = busyIndex(random, this.#directory.size);
      if (random.float() < intensity(this.#directory.rhythmAt(index), this.#startTime + this.#clockMs)) return { atMs: this.#clockMs, index };
    }
  }
}

/** Beyond this many refused candidates the clock takes the last one: no hour is that quiet, but a loop must end. */
const MAX_CANDIDATES = 1_000;

/**
 * Live traffic: payments come at a steady `ratePerSecond` (a Poisson process), so that
 * written at that rate their event time is the wall clock; who pays follows the hour,
 * as the population clock does (at 3 a.m. in Paris it is mostly New York and Tokyo).
 */
export class LiveClock implements EventClock {
  readonly live = true;
  readonly #directory: CustomerDirectory;
  readonly #random: Random;
  readonly #startTime: number;
  readonly #ratePerSecond: number;
  #clockMs = 0;

  constructor(directory: CustomerDirectory, random: Random, options: { startTime: number; ratePerSecond: number }) {
    this.#directory = directory;
    this.#random = random;
    this.#startTime = options.startTime;
    this.#ratePerSecond = options.ratePerSecond;
  }

  next(): Tick {
    const random = this.#random;
    this.#clockMs += random.exponentialMs(this.#ratePerSecond);
    const epochMs = this.#startTime + this.#clockMs;
    for (let attempt = 1; ; attempt++) {
      const index = busyIndex(random, this.#directory.size);
      if (attempt >= MAX_CANDIDATES || random.float() < intensity(this.#directory.rhythmAt(index), epochMs)) return { atMs: this.#clockMs, index };
    }
  }
}
