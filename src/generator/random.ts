import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plus>;

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_BASE = ID_ALPHABET.length;
const CHARS_PER_DRAW = 5;

/**
 * Seeded randomness (pure-rand's xoroshiro128+): the same seed gives the same stream,
 * which is what makes scenario runs and their scores reproducible.
 */
export class Random {
  readonly #rng: Generator;

  constructor(seed: number | Generator) {
    this.#rng = typeof seed === 'number' ? xoroshiro128plus(seed | 0) : seed;
  }

  /**
   * An independent stream: the fork continues from here and this one jumps 2^64 draws
   * ahead, so adding draws to one never shifts the other (each part of a scenario keeps
   * its own numbers when another part changes).
   */
  fork(): Random {
    const child = this.#rng.clone();
    this.#rng.jump();
    return new Random(child);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.#rng);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.#rng, min, max);
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Picks by weight; weights need not sum to one. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let threshold = this.float() * total;
    for (const [item, weight] of items) {
      threshold -= weight;
      if (threshold < 0) return item;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** Standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal around a median: most values near it, a long tail above, as real payment amounts. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Waiting time of a Poisson process with the given rate per second, in milliseconds. */
  exponentialMs(ratePerSecond: number): number {
    return (-Math.log(1 - this.float()) / ratePerSecond) * 1000;
  }

  /** Letters and digits, uniform; five characters per draw (62^5 < 2^32), ids being most of what a stream draws. */
  id(length: number): string {
    let text = '';
    for (let left = length; left > 0; left -= CHARS_PER_DRAW) {
      const chars = Math.min(CHARS_PER_DRAW, left);
      let value = this.int(0, ID_BASE ** chars - 1);
      for (let i = 0; i < chars; i++) {
        text += ID_ALPHABET[value % ID_BASE];
        value = Math.floor(value / ID_BASE);
      }
    }
    return text;
  }
}

/** A seed for runs where the user gave none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
