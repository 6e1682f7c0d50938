import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from '../../src/log/types.ts';
import type { GroupWatch } from '../helpers/group.ts';

/** Where the detectors' group stands on the input, partition by partition. */
export interface Snapshot {
  at: number;
  committed: Map<number, number>;
  /** Input end offsets (the input is not transactional: offsets count records). */
  ends: Map<number, number>;
}

export function totalOf(offsets: Map<number, number>): number {
  return [...offsets.values()].reduce((sum, offset) => sum + offset, 0);
}

/** Reads the group's committed offsets and the input's ends; retries while a broker is away. */
export class GroupProgress {
  readonly #watch: GroupWatch;
  readonly #log: Log;
  readonly #groupId: string;
  readonly #topic: string;

  constructor(options: { watch: GroupWatch; log: Log; groupId: string; topic: string }) {
    this.#watch = options.watch;
    this.#log = options.log;
    this.#groupId = options.groupId;
    this.#topic = options.topic;
  }

  /** Undefined when the cluster does not answer right now. */
  async snapshot(): Promise<Snapshot | undefined> {
    const [committed, ends] = await Promise.all([this.#watch.committedByPartition(this.#groupId, this.#topic), this.#ends()]);
    if (!committed || !ends) return undefined;
    return { at: Date.now(), committed, ends };
  }

  async decided(): Promise<number | undefined> {
    const committed = await this.#watch.committedByPartition(this.#groupId, this.#topic);
    return committed === undefined ? undefined : totalOf(committed);
  }

  /** A snapshot, waiting out a cluster that does not answer (bounded). */
  async snapshotNow(timeoutMs = 60_000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const snapshot = await this.snapshot();
      if (snapshot) return snapshot;
      if (Date.now() > deadline) throw new Error(`the group's offsets could not be read for ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }

  /**
   * Time from `since` until every partition has committed past `baseline` (or, once the
   * input is complete, has nothing left to do): how long the fault stopped some of the
   * stream. Polled every 200 ms, bounded by timeoutMs (then undefined: never recovered).
   */
  async recovery(since: number, baseline: Snapshot, inputComplete: () => boolean, timeoutMs: number): Promise<number | undefined> {
    const waiting = new Set([...baseline.ends.keys()]);
    while (Date.now() - since < timeoutMs) {
      const now = await this.snapshot();
      if (now) {
        for (const partition of [...waiting]) {
          const committed = now.committed.get(partition) ?? 0;
          const before = baseline.committed.get(partition) ?? 0;
          if (committed > before || (inputComplete() && committed >= (now.ends.get(partition) ?? 0))) waiting.delete(partition);
        }
        if (waiting.size === 0) return Date.now() - since;
      }
      await sleep(200);
    }
    return undefined;
  }

  async #ends(): Promise<Map<number, number> | undefined> {
    try {
      return new Map((await this.#log.partitionBounds(this.#topic)).map((bounds) => [bounds.partition, bounds.end]));
    } catch {
      return undefined;
    }
  }
}
