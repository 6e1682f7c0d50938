import { build, type Histogram } from 'hdr-histogram-js';

const HIGHEST_MS = 3_600_000;

export interface LatencyPercentiles {
  p50: number | null;
  p99: number | null;
  /** Latencies the figures are made of. */
  count: number;
}

/**
 * End-to-end latency over roughly the last minute: two HDR histograms take turns, the
 * older one cleared every half window, so a slow spell an hour ago no longer shows.
 */
export class LatencyWindow {
  readonly #halfWindowMs: number;
  #current: Histogram = newHistogram();
  #previous: Histogram = newHistogram();
  readonly #merged: Histogram = newHistogram();
  #rotatedAt: number;

  constructor(now: number, windowMs = 60_000) {
    this.#halfWindowMs = windowMs / 2;
    this.#rotatedAt = now;
  }

  record(ms: number, now: number): void {
    this.#rotate(now);
    this.#current.recordValue(Math.min(HIGHEST_MS, Math.max(0, Math.round(ms))));
  }

  percentiles(now: number): LatencyPercentiles {
    this.#rotate(now);
    const merged = this.#merged;
    merged.reset();
    merged.add(this.#previous);
    merged.add(this.#current);
    const count = merged.totalCount;
    if (count === 0) return { p50: null, p99: null, count };
    return { p50: merged.getValueAtPercentile(50), p99: merged.getValueAtPercentile(99), count };
  }

  #rotate(now: number): void {
    const elapsed = now - this.#rotatedAt;
    if (elapsed < this.#halfWindowMs) return;
    const stale = this.#previous;
    stale.reset();
    // Nothing recorded for a whole window: the current half is stale too.
    if (elapsed >= 2 * this.#halfWindowMs) this.#current.reset();
    this.#previous = this.#current;
    this.#current = stale;
    this.#rotatedAt = now;
  }
}

function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_MS, numberOfSignificantValueDigits: 3 });
}
