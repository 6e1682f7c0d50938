import { looksLikeArtifact, PublishedArtifactSchema } from '../../domain/artifact.ts';
import { isFraudError } from '../../errors.ts';
import { Backoff, describeError } from '../../log/retry.ts';
import type { Log, LogConsumer, LogRecord } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
import { sleep } from '../../util/wait.ts';
import { loadModelText, type LoadedModel } from './loaded.ts';

/**
 * The model in force (none, a file's, or the newest published on the rules topic),
 * replaced without a restart when a model artifact arrives. Every candidate is parsed,
 * validated and checked against the features this detector computes first: a refused
 * one is logged with its problems, and the running model stays.
 */
export class ModelSource {
  #current: LoadedModel | undefined;
  #changedAt: number;
  readonly #logger: Logger;
  readonly #stops: Array<() => Promise<void>> = [];

  constructor(initial: LoadedModel | undefined, logger: Logger, changedAt = initial ? Date.now() : Number.NEGATIVE_INFINITY) {
    this.#current = initial;
    this.#changedAt = changedAt;
    this.#logger = logger;
  }

  current(): LoadedModel | undefined {
    return this.#current;
  }

  /**
   * Offers a rules-topic value; returns whether it became the model in force. Values that
   * are not model artifacts (rulesets) are passed over; a model older than the one in
   * force (a file newer than the last publication) is ignored.
   */
  offer(text: string, origin: string, changedAt = Date.now()): boolean {
    if (!looksLikeArtifact(text)) return false;
    const value = JSON.parse(text) as { kind?: unknown };
    if (value.kind !== 'model') return false;
    let candidate: LoadedModel;
    try {
      const artifact = PublishedArtifactSchema.parse(value);
      candidate = loadModelText(artifact.content, origin, artifact.version);
    } catch (error) {
      const problems = isFraudError(error) ? error.problems : [String(error)];
      this.#logger.error({ origin, problems, keeping: this.#current?.version ?? null }, 'model refused');
      return false;
    }
    if (changedAt < this.#changedAt) {
      this.#logger.info({ origin, version: candidate.version }, 'model older than the one in force: ignored');
      return false;
    }
    this.#current = candidate;
    this.#changedAt = changedAt;
    this.#logger.info({ origin, model: candidate.id, version: candidate.version, features: candidate.scorer.model.features.length }, 'model in force');
    return true;
  }

  /** Follows the compacted rules topic: caught up before returning, so the first decision uses the newest model. */
  async followTopic(log: Log, topic: string, signal: AbortSignal): Promise<void> {
    const consumer = await log.createConsumer({ topics: [topic], startFrom: 'earliest' });
    for (;;) {
      const records = await consumer.poll({ maxRecords: 100, maxWaitMs: 300, signal });
      if (records.length === 0) break;
      this.#apply(records);
    }
    const loop = this.#consume(consumer, signal);
    this.#stops.push(async () => {
      await loop;
      await consumer.close();
    });
  }

  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) await stop();
  }

  async #consume(consumer: LogConsumer, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff();
    while (!signal.aborted) {
      try {
        this.#apply(await consumer.poll({ maxRecords: 100, maxWaitMs: 500, signal }));
        backoff.reset();
      } catch (error) {
        if (signal.aborted) break;
        if (backoff.attempts === 0) this.#logger.warn({ err: describeError(error) }, 'reading models from the rules topic failed; retrying');
        await sleep(backoff.next(), signal);
      }
    }
  }

  #apply(records: LogRecord[]): void {
    for (const record of records) {
      if (record.value === null) continue; // a tombstone: the model in force stays
      this.offer(record.value.toString('utf8'), `${record.topic}[${record.partition}]@${record.offset}`, record.timestamp);
    }
  }
}
