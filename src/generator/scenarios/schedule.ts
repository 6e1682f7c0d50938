import type { Random } from '../random.ts';

/**
 * When the incidents of one kind start, counted in background transactions: one in each
 * interval, at a random point of it (stratified), so a stream of a given length has a
 * predictable number of each kind yet no regular beat a detector could learn. Counting
 * transactions rather than time puts incidents where people pay: more by day than at night.
 */
export class KindSchedule {
  readonly #random: Random;
  readonly #first: number;
  readonly #interval: number;
  #slot = 0;
  #next: number;

  constructor(random: Random, first: number, interval: number) {
    this.#random = random;
    this.#first = first;
    this.#interval = interval;
    this.#next = this.#draw();
  }

  /** Position of the next start, in background transactions (fractional: it falls between two of them). */
  get next(): number {
    return this.#next;
  }

  advance(): void {
    this.#slot++;
    this.#next = this.#draw();
  }

  #draw(): number {
    return this.#first + (this.#slot + this.#random.float()) * this.#interval;
  }
}
