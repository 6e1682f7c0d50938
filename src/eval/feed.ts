import { produceItems } from '../generator/producer.ts';
import { scenarioEvents, scenarioItems, type ScenarioStream } from '../generator/scenarios/index.ts';
import type { Log } from '../log/types.ts';

export interface FeedOptions {
  log: Log;
  stream: ScenarioStream;
  /** Transactions before the incidents under way are completed. */
  count: number;
  topics: { transactions: string; labels: string };
  /** Days after each transaction its label is known (`knownAt`). */
  labelDelayDays?: number;
  onSent?: (sent: number) => void;
  signal: AbortSignal;
}

/** Writes the scenario stream and its labels as fast as the log takes them; returns the transactions written. */
export async function feedStream(options: FeedOptions): Promise<number> {
  const producer = await options.log.createProducer();
  try {
    let sent = 0;
    return await produceItems(
      {
        producer,
        items: scenarioItems(scenarioEvents(options.stream, options.count), options.topics, false, options.labelDelayDays),
        rate: 0,
        maxBatch: 2000,
        onSent: (batch) => {
          sent += batch.length;
          options.onSent?.(sent);
        },
      },
      options.signal,
    );
  } finally {
    await producer.close();
  }
}
