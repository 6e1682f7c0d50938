import { Backoff, describeError } from '../../log/retry.ts';
import type { Log, LogConsumer } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
import { sleep } from '../../util/wait.ts';

/** One publication read from the rules topic: its text, where it was and when it was written. */
export interface Publication {
  text: string;
  origin: string;
  timestamp: number;
}

/**
 * Follows the compacted rules topic for a source of published artifacts (rulesets,
 * models): caught up before it returns, so the first decision uses the newest publication,
 * then read on in the background, waiting out an absent log with backoff and saying so
 * once, not every second. Tombstones are skipped: what is in force stays. Resolves to the
 * function that stops it.
 */
export async function followPublications(
  options: { log: Log; topic: string; signal: AbortSignal; logger: Logger; what: string },
  offer: (publication: Publication) => void,
): Promise<() => Promise<void>> {
  const { log, topic, signal, logger, what } = options;
  const consumer = await log.createConsumer({ topics: [topic], startFrom: 'earliest' });
  const apply = (records: Awaited<ReturnType<LogConsumer['poll']>>): void => {
    for (const record of records) {
      if (record.value === null) continue;
      offer({ text: record.value.toString('utf8'), origin: `${record.topic}[${record.partition}]@${record.offset}`, timestamp: record.timestamp });
    }
  };
  for (;;) {
    const records = await consumer.poll({ maxRecords: 100, maxWaitMs: 300, signal });
    if (records.length === 0) break;
    apply(records);
  }
  const loop = (async () => {
    const backoff = new Backoff();
    while (!signal.aborted) {
      try {
        apply(await consumer.poll({ maxRecords: 100, maxWaitMs: 500, signal }));
        if (backoff.attempts > 0) logger.info(`reading ${what} again`);
        backoff.reset();
      } catch (error) {
        if (signal.aborted) break;
        if (backoff.attempts === 0) logger.warn({ err: describeError(error) }, `reading ${what} failed; retrying`);
        await sleep(backoff.next(), signal);
      }
    }
  })();
  return async () => {
    await loop;
    await consumer.close();
  };
}
