import type { Log, OutgoingRecord } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { changelogRecords } from './changelog.ts';
import { CODEC_VERSION } from './codec.ts';
import type { LocalStore } from './local-store.ts';
import type { StateCut } from './restore.ts';
import type { EncodedEntity, EntityStore } from './store.ts';

export interface CheckpointPolicy {
  /** At most this long between checkpoints (wall time). */
  intervalMs: number;
  /** At most this many input records applied between checkpoints: what a restart replays at most. */
  records: number;
  /** A checkpoint as soon as this many entities are dirty (they are held in memory until one). */
  maxDirty: number;
}

export interface CheckpointerOptions {
  store: EntityStore;
  local: LocalStore;
  log: Log;
  inputTopic: string;
  changelogTopic: string;
  partitions: number;
  policy: CheckpointPolicy;
  /** The state the detector opened with is the cut of the first rewind. */
  startCut: StateCut;
  /** The changelog's end offsets at which it held exactly the state opened (restore.ts), if it did. */
  changelogEnds: number[] | undefined;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
}

/** A checkpoint taken after a batch: its changelog records go in that batch's commit; save() once it is committed. */
export interface PendingCheckpoint {
  records: OutgoingRecord[];
  save(): void;
}

/**
 * When and what the detector checkpoints. A checkpoint is the state after one batch: the
 * entities changed since the last one, encoded at once (the next batch may change them
 * while the commit is under way), written to the changelog inside that batch's commit by
 * the group's writer, then to the local store with the input position it stands at once
 * the commit succeeded. The last durable one is where a rewind goes back to.
 */
export class Checkpointer {
  readonly #options: CheckpointerOptions;
  /** Input position of the last durable checkpoint: a rewind replays from here. */
  lastCut: StateCut;
  #sinceRecords = 0;
  #lastAt: number;
  #seq: number;
  #saving: Promise<void> = Promise.resolve();
  /** Checkpoints handed to save() whose local write has not finished. */
  #savesRunning = 0;
  /**
   * The changelog's end offsets when it last held exactly this detector's state (every
   * entity not dirty here is there as it is here): after the restore, or after a checkpoint
   * it wrote as the writer. Undefined once this state moved on without the changelog (a
   * checkpoint as a follower, or another detector writing).
   */
  #syncedEnds: number[] | undefined;
  /** Bumped when the writer role changes: a save of a checkpoint taken before does not count as in sync. */
  #role = 0;
  #fullFlush = false;

  constructor(options: CheckpointerOptions) {
    this.#options = options;
    this.lastCut = { input: [...options.startCut.input], labels: [...options.startCut.labels] };
    this.#lastAt = this.#now();
    this.#seq = options.local.meta()?.seq ?? 0;
    this.#syncedEnds = options.changelogEnds;
  }

  /**
   * This detector now writes the changelog: unless the changelog holds its state (nobody
   * wrote since it last did, or since it was restored, and it checkpointed nothing as a
   * follower meanwhile), everything is written once. Otherwise a change it saved locally
   * while another detector was the writer, after that writer's last checkpoint, would be
   * in no changelog record.
   */
  async becameWriter(): Promise<void> {
    this.#role++;
    const synced = this.#syncedEnds;
    this.#syncedEnds = undefined;
    if (!synced) {
      this.#fullFlush = true;
      return;
    }
    try {
      const ends = (await this.#options.log.partitionBounds(this.#options.changelogTopic)).map((bounds) => bounds.end);
      if (ends.length !== synced.length || ends.some((end, partition) => end !== synced[partition])) this.#fullFlush = true;
    } catch {
      this.#fullFlush = true; // cannot tell: write everything
    }
  }

  /** It no longer writes it: the changelog moves on without this state. */
  stoppedWriting(): void {
    this.#role++;
    this.#syncedEnds = undefined;
  }

  applied(records: number): void {
    this.#sinceRecords += records;
  }

  due(): boolean {
    const { policy, store } = this.#options;
    if (this.#fullFlush) return true;
    if (this.#sinceRecords === 0) return false;
    // Not while the last one is still being written locally: its entities stay dirty until
    // it is, so a checkpoint taken now would encode them all again, and on a disk slower
    // than the interval each checkpoint would grow until the detector did little else.
    if (this.#savesRunning > 0) return false;
    return this.#sinceRecords >= policy.records || store.dirtyCount >= policy.maxDirty || this.#now() - this.#lastAt >= policy.intervalMs;
  }

  /** The checkpoint of the state as it is now, at input position `cut`. */
  take(cut: StateCut, watermark: number, writer: boolean): PendingCheckpoint {
    const options = this.#options;
    const { store, local } = options;
    const flush = store.flush();
    const seq = ++this.#seq;
    const full = writer && this.#fullFlush;
    const changelogEntities: Iterable<EncodedEntity> = full ? [...store.all()] : flush.entities;
    const records = writer ? changelogRecords(options.changelogTopic, options.partitions, changelogEntities, { cut: cut.input, labels: cut.labels, watermark, seq }) : [];
    const role = this.#role;
    this.#sinceRecords = 0;
    this.#lastAt = this.#now();
    const save = (): void => {
      this.#savesRunning++;
      this.#saving = this.#saving
        .then(async () => {
          const changelog = (await options.log.partitionBounds(options.changelogTopic)).map((bounds) => bounds.end);
          const entries = flush.entities.map((entity) => [entity.key, entity.value] as const);
          const meta = { format: CODEC_VERSION, topic: options.inputTopic, partitions: options.partitions, cut: cut.input, labelsCut: cut.labels, watermark, changelog, writer, seq, savedAt: Date.now() };
          await local.checkpoint(entries, meta, flush.transactions);
          store.saved(flush.version);
          this.lastCut = cut;
          // Written by the writer, in its role still: the changelog is this state as of its ends now.
          this.#syncedEnds = writer && role === this.#role ? changelog : undefined;
          if (full) this.#fullFlush = false;
          options.metrics?.stateCheckpoints.inc();
          options.metrics?.stateCheckpointEntities.inc(flush.entities.length);
        })
        .catch((error: unknown) => {
          // The entities stay dirty: the next checkpoint writes them.
          options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'a state checkpoint could not be written to the local store');
        })
        .finally(() => {
          this.#savesRunning--;
        });
    };
    return { records, save };
  }

  /** Waits for the checkpoint being written, so lastCut is the newest durable one. */
  settled(): Promise<void> {
    return this.#saving;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
