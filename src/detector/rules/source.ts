import { readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { isFraudError } from '../../errors.ts';
import type { Log } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
import { followPublications } from './follow-topic.ts';
import { parsePublishedRuleset } from './published.ts';
import type { Ruleset } from './ruleset.ts';

export interface RulesetChange {
  ruleset: Ruleset;
  origin: string;
}

/**
 * The ruleset in force, replaced without a restart when its file changes or a ruleset
 * arrives on the rules topic. Every candidate is compiled and checked first: an invalid
 * one is refused with its problems logged, and the running ruleset stays.
 */
export class RulesetSource {
  #current: Ruleset;
  #changedAt: number;
  readonly #logger: Logger;
  readonly #listeners: Array<(change: RulesetChange) => void> = [];
  readonly #stops: Array<() => Promise<void> | void> = [];

  constructor(initial: Ruleset, logger: Logger, changedAt = Date.now()) {
    this.#current = initial;
    this.#changedAt = changedAt;
    this.#logger = logger;
  }

  current(): Ruleset {
    return this.#current;
  }

  onChange(listener: (change: RulesetChange) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Offers a ruleset's text, bare or as a published artifact (whose version is the one in
   * force); returns whether it replaced the current one. Artifacts of other kinds (models)
   * are not rulesets and are passed over.
   */
  offer(text: string, origin: string, changedAt = Date.now()): boolean {
    let candidate: Ruleset;
    try {
      const published = parsePublishedRuleset(text, origin);
      if (published.kind !== 'ruleset') {
        this.#logger.debug({ origin, kind: published.artifactKind }, 'not a ruleset: left to its own reader');
        return false;
      }
      candidate = published.ruleset;
    } catch (error) {
      const problems = isFraudError(error) ? error.problems : [String(error)];
      this.#logger.error({ origin, problems, keeping: this.#current.version }, 'ruleset refused');
      return false;
    }
    if (changedAt < this.#changedAt) {
      this.#logger.info({ origin, version: candidate.version }, 'ruleset older than the one in force: ignored');
      return false;
    }
    this.#current = candidate;
    this.#changedAt = changedAt;
    this.#logger.info({ origin, version: candidate.version, rules: candidate.rules.length }, 'ruleset in force');
    for (const listener of this.#listeners) listener({ ruleset: candidate, origin });
    return true;
  }

  /** Reloads the file whenever it changes (polled: editors replace files in ways fs.watch misses). */
  watchFile(path: string, intervalMs = 1000): void {
    const onChange = (current: { mtimeMs: number }, previous: { mtimeMs: number }): void => {
      if (current.mtimeMs === previous.mtimeMs || current.mtimeMs === 0) return;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        this.#logger.error({ origin: path, err: error, keeping: this.#current.version }, 'ruleset file unreadable');
        return;
      }
      this.offer(text, path, current.mtimeMs);
    };
    watchFile(path, { interval: intervalMs, persistent: false }, onChange);
    this.#stops.push(() => unwatchFile(path, onChange));
  }

  /**
   * Follows the compacted rules topic: its newest ruleset applies when it is newer than
   * what is in force (a file edited after the last publish wins at start-up).
   */
  async followTopic(log: Log, topic: string, signal: AbortSignal): Promise<void> {
    const stop = await followPublications({ log, topic, signal, logger: this.#logger, what: 'the rules topic' }, (publication) =>
      this.offer(publication.text, publication.origin, publication.timestamp),
    );
    this.#stops.push(stop);
  }

  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) await stop();
  }
}

/** When a ruleset file was last changed, for comparing it with a published one. */
export function fileChangedAt(path: string): number {
  return statSync(path).mtimeMs;
}
