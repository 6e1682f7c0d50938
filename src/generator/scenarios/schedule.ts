import type { Random } from '../random.ts';

/**
 * When the incidents of one kind start: one in each interval, at a random point of it
 * (stratified), so a stream of a given length has a predictable number of each kind
 * yet no regular beat a detector could learn.
 */
export class KindSchedule {
  readonly #random: Random;
  readonly #firstMs: number;
  readonly #intervalMs: number;
  #slot = 0;
  #nextMs: number;

  constructor(random: Random, firstMs: number, intervalMs: number) {
    this.#random = random;
    this.#firstMs = firstMs;
    this.#intervalMs = intervalMs;
    this.#nextMs = this.#draw();
  }

  get nextMs(): number {
    return this.#nextMs;
  }

  advance(): void {
    this.#slot++;
    this.#nextMs = this.#draw();
  }

  #draw(): number {
    return this.#firstMs + (this.#slot + this.#random.float()) * this.#intervalMs;
  }
}
