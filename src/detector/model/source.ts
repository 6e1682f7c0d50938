import { looksLikeArtifact, PublishedArtifactSchema } from '../../domain/artifact.ts';
import { isFraudError } from '../../errors.ts';
import type { Log } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
import { followPublications } from '../rules/follow-topic.ts';
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
    const stop = await followPublications({ log, topic, signal, logger: this.#logger, what: 'models from the rules topic' }, (publication) =>
      this.offer(publication.text, publication.origin, publication.timestamp),
    );
    this.#stops.push(stop);
  }

  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) await stop();
  }
}
