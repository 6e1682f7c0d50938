import type { ProducerItem } from './items.ts';
import { TrafficGenerator, type TrafficOptions } from './traffic.ts';

export interface TrafficLimits {
  /** Stop before the first transaction at or past this much simulated time (milliseconds since the start). */
  untilMs?: number;
}

/**
 * Everyday generated traffic as producer items, keyed by `source` as the contract says.
 * Live traffic is due at its event time (so it is written as it happens); traffic at the
 * population's pace is spaced by the producer's rate, or written as fast as it goes.
 */
export function* generatedTraffic(options: TrafficOptions, topic: string, limits: TrafficLimits = {}): Generator<ProducerItem> {
  const generator = new TrafficGenerator(options);
  const untilMs = limits.untilMs ?? Number.POSITIVE_INFINITY;
  for (let index = 0; ; index++) {
    const event = generator.next();
    if (event.atMs >= untilMs) return;
    const value = JSON.stringify(event.transaction);
    const records = [{ topic, key: event.transaction.source, value }];
    yield generator.live ? { index, dueMs: event.atMs, records, display: value } : { index, records, display: value };
  }
}
