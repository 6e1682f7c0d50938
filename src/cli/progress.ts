import type { Logger } from '../observability/logger.ts';

/**
 * A periodic progress line (count and rate) instead of one line per record: readable at
 * 2 transactions/s and at 50,000.
 */
export class ProgressReporter {
  readonly #logger: Logger;
  readonly #what: string;
  readonly #intervalMs: number;
  readonly #started = performance.now();
  #total = 0;
  #lastTotal = 0;
  #lastReport = performance.now();

  constructor(logger: Logger, what: string, intervalMs = 5000) {
    this.#logger = logger;
    this.#what = what;
    this.#intervalMs = intervalMs;
  }

  get total(): number {
    return this.#total;
  }

  add(count: number): void {
    this.#total += count;
    const now = performance.now();
    if (now - this.#lastReport < this.#intervalMs) return;
    const rate = ((this.#total - this.#lastTotal) * 1000) / (now - this.#lastReport);
    this.#logger.info({ [this.#what]: this.#total, perSecond: Math.round(rate * 10) / 10 }, this.#what);
    this.#lastReport = now;
    this.#lastTotal = this.#total;
  }

  finish(): void {
    const seconds = (performance.now() - this.#started) / 1000;
    const rate = seconds > 0 ? this.#total / seconds : 0;
    this.#logger.info({ [this.#what]: this.#total, seconds: Math.round(seconds * 10) / 10, perSecond: Math.round(rate) }, `${this.#what} in total`);
  }
}
