import { readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { isFraudError } from '../../errors.ts';
import { Backoff, describeError } from '../../log/retry.ts';
import { sleep } from '../../util/wait.ts';
import type { Log, LogConsumer, LogRecord } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
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
    const consumer = await log.createConsumer({ topics: [topic], startFrom: 'earliest' });
    // Catch up first, so the first transaction is decided by the newest published ruleset.
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

  /** Follows the topic; while the log is away it waits with backoff and says so once, not every second. */
  async #consume(consumer: LogConsumer, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff();
    while (!signal.aborted) {
      try {
        this.#apply(await consumer.poll({ maxRecords: 100, maxWaitMs: 500, signal }));
        if (backoff.attempts > 0) this.#logger.info('reading the rules topic again');
        backoff.reset();
      } catch (error) {
        if (backoff.attempts === 0) this.#logger.warn({ err: describeError(error) }, 'reading the rules topic failed; retrying');
        await sleep(backoff.next(), signal);
      }
    }
  }

  #apply(records: LogRecord[]): void {
    for (const record of records) {
      if (record.value === null) continue; // a tombstone deletes a published ruleset; the one in force stays
      this.offer(record.value.toString('utf8'), `${record.topic}[${record.partition}]@${record.offset}`, record.timestamp);
    }
  }
}

/** When a ruleset file was last changed, for comparing it with a published one. */
export function fileChangedAt(path: string): number {
  return statSync(path).mtimeMs;
}
