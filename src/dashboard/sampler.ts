import { RateWindow } from './rate-window.ts';
import type { DashboardTuning } from './types.ts';
import type { FeedItem } from './types.ts';

type SamplerTuning = Pick<DashboardTuning, 'sampleAbovePerSecond' | 'sampledLegitPerSecond' | 'maxEventsPerSecond'>;

/**
 * Decides what the browsers are sent. Below the threshold, everything. Above it, every
 * review, fraud and dead letter, and legit decisions at a fixed pace (a token bucket):
 * an analyst reads the flagged ones, and the counters come from the `stats` event, so
 * nothing is lost from the figures. A ceiling on everything guards the browser itself.
 */
export class Sampler {
  readonly #tuning: SamplerTuning;
  readonly #arrivals = new RateWindow(2);
  readonly #sent = new RateWindow(2);
  #legitTokens: number;
  #refilledAt = 0;

  constructor(tuning: SamplerTuning) {
    this.#tuning = tuning;
    this.#legitTokens = tuning.sampledLegitPerSecond;
  }

  /**
   * Whether to stream this item; every live one counts as an arrival. History read at
   * start comes as one burst but is not a rate: it is kept, bounded by the recent buffer.
   */
  admit(item: FeedItem, now: number): boolean {
    if (!item.live) return true;
    this.#arrivals.add(now);
    if (this.#sent.countIn(Math.floor(now / 1000)) >= this.#tuning.maxEventsPerSecond) return false;
    const legit = item.kind === 'decision' && item.verdict === 'legit';
    if (legit && this.sampling(now) && !this.#takeLegitToken(now)) return false;
    // A decision with evidence is two events on the wire (`decision`, then `evidence`).
    this.#sent.add(now, item.kind === 'decision' && item.evidence !== undefined ? 2 : 1);
    return true;
  }

  /** True while decisions arrive faster than the threshold (this second or the last). */
  sampling(now: number): boolean {
    const second = Math.floor(now / 1000);
    const rate = Math.max(this.#arrivals.countIn(second), this.#arrivals.countIn(second - 1));
    return rate > this.#tuning.sampleAbovePerSecond;
  }

  #takeLegitToken(now: number): boolean {
    const perSecond = this.#tuning.sampledLegitPerSecond;
    this.#legitTokens = Math.min(perSecond, this.#legitTokens + ((now - this.#refilledAt) / 1000) * perSecond);
    this.#refilledAt = now;
    if (this.#legitTokens < 1) return false;
    this.#legitTokens--;
    return true;
  }
}
