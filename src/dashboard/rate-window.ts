/**
 * Counts per whole second in a ring of `seconds` slots: rates over the last N seconds
 * without keeping one entry per event, so memory stays fixed at any rate.
 */
export class RateWindow {
  readonly #counts: Float64Array;
  readonly #seconds: Int32Array;

  constructor(seconds: number) {
    this.#counts = new Float64Array(seconds);
    this.#seconds = new Int32Array(seconds).fill(-1);
  }

  add(at: number, count = 1): void {
    const second = Math.floor(at / 1000);
    const slot = second % this.#counts.length;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + count;
  }

  /** Events in the whole second `second` (epoch seconds), 0 when it has left the window. */
  countIn(second: number): number {
    const slot = second % this.#counts.length;
    return this.#seconds[slot] === second ? (this.#counts[slot] ?? 0) : 0;
  }

  /**
   * Mean per second over the last `window` completed seconds before `now`, or over the
   * completed seconds since `since` when that is shorter, so a fresh start is not diluted.
   */
  perSecond(now: number, window: number, since = 0): number {
    const current = Math.floor(now / 1000);
    const completedSinceStart = current - Math.ceil(since / 1000);
    const span = Math.max(1, Math.min(window, this.#counts.length, completedSinceStart));
    let total = 0;
    for (let second = current - span; second < current; second++) total += this.countIn(second);
    return total / span;
  }
}
