import type { ProducerItem } from './items.ts';
import { TrafficGenerator, type TrafficOptions } from './traffic.ts';

/** Everyday generated traffic as producer items, keyed by `source` as the contract says. */
export function* generatedTraffic(options: TrafficOptions, topic: string): Generator<ProducerItem> {
  const generator = new TrafficGenerator(options);
  for (let index = 0; ; index++) {
    const event = generator.next();
    const value = JSON.stringify(event.transaction);
    yield { index, dueMs: event.atMs, records: [{ topic, key: event.transaction.source, value }], display: value };
  }
}
