import { LatencyWindow, type LatencyPercentiles } from './latency.ts';
import { RateWindow } from './rate-window.ts';
import type { TopicsView } from './topic-sizes.ts';
import type { FeedItem } from './types.ts';

export const COUNTED = ['transactions', 'legit', 'review', 'fraud', 'deadLetter'] as const;
export type Counted = (typeof COUNTED)[number];
export type Counts = Record<Counted, number>;

/** What /api/stats answers and the `stats` event carries. */
export interface StatsSnapshot extends Counts, TopicsView {
  /** When this server started counting (ISO-8601): counts are of decisions seen since. */
  since: string;
  /** When these figures were taken (ISO-8601): rates between two snapshots divide by this clock. */
  at: string;
  /** Per second, over the last 10 and 60 seconds. */
  rates: { last10s: Counts; last60s: Counts };
  /** Decision record's log timestamp minus the input's, over about the last minute. */
  latencyMs: LatencyPercentiles;
}

const zeroCounts = (): Counts => ({ transactions: 0, legit: 0, review: 0, fraud: 0, deadLetter: 0 });

/**
 * Counts and rates of the decisions this server saw arrive (not the history it read at
 * start, which would show as a burst), and their end-to-end latency.
 */
export class DashboardStats {
  readonly #since: number;
  readonly #counts = zeroCounts();
  readonly #windows = Object.fromEntries(COUNTED.map((name) => [name, new RateWindow(61)])) as Record<Counted, RateWindow>;
  readonly #latency: LatencyWindow;

  constructor(now: number) {
    this.#since = now;
    this.#latency = new LatencyWindow(now);
  }

  record(item: FeedItem, now: number): void {
    if (!item.live) return;
    const counted: Counted = item.kind === 'dead-letter' ? 'deadLetter' : item.verdict;
    this.#add(counted, now);
    this.#add('transactions', now);
    if (item.latencyMs !== undefined) this.#latency.record(item.latencyMs, now);
  }

  snapshot(now: number, topics: TopicsView): StatsSnapshot {
    return {
      since: new Date(this.#since).toISOString(),
      at: new Date(now).toISOString(),
      ...this.#counts,
      rates: { last10s: this.#rates(now, 10), last60s: this.#rates(now, 60) },
      latencyMs: this.#latency.percentiles(now),
      ...topics,
    };
  }

  #add(name: Counted, now: number): void {
    this.#counts[name]++;
    this.#windows[name].add(now);
  }

  #rates(now: number, seconds: number): Counts {
    const rates = zeroCounts();
    for (const name of COUNTED) rates[name] = round(this.#windows[name].perSecond(now, seconds, this.#since));
    return rates;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
