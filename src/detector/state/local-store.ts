import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { FraudError } from '../../errors.ts';
import { tryLock } from '../../util/pid-lock.ts';
import { CODEC_VERSION } from './codec.ts';

/** What a checkpoint says about the state it holds: where in the input it stands. */
export interface CheckpointMeta {
  /** Codec version of the entities. */
  format: number;
  /** The input topic and its partition count the state was built from. */
  topic: string;
  partitions: number;
  /** Next offset per input partition the state includes (the records before it are applied). */
  cut: number[];
  /** Next offset per labels partition included. */
  labelsCut?: number[];
  /** Newest event time applied. */
  watermark: number;
  /** Changelog end offsets per partition right after this checkpoint; records after them are newer state. */
  changelog?: number[];
  /** This detector wrote the checkpoint to the changelog too (it was the writer). */
  writer: boolean;
  seq: number;
  savedAt: number;
}

export interface LocalStoreOptions {
  /** The folder holding every detector's state; this one takes the first free slot of `group`. */
  stateDir: string;
  group: string;
  topic: string;
  partitions: number;
  /** A throw-away store: its folder is removed on close. */
  removeOnClose?: boolean;
}

const META_KEY = 'checkpoint';

/**
 * The detector's local, checkpointed state store: LMDB (memory-mapped B+tree, one
 * writer, crash-safe commits) in a folder of its own. Entities live here past the memory
 * budget and between runs; a restart reads them lazily, as decisions need them, so it
 * does not re-read the history. Writes are only ever a checkpoint: every changed entity
 * and the position they stand at, in one LMDB transaction, so the store is always the
 * state of one position of the input. Several detectors on one machine each take a slot
 * (`<stateDir>/<group>/<n>`) held by a pid lock; a restarted detector finds its own again.
 */
export class LocalStore {
  readonly dir: string;
  readonly #root: RootDatabase;
  readonly #entities: Database<Buffer, string>;
  readonly #meta: Database<CheckpointMeta, string>;
  readonly #transactions: Database<Buffer, string>;
  readonly #release: () => void;
  #removeOnClose = false;
  #pending: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, release: () => void) {
    this.dir = dir;
    this.#release = release;
    try {
      this.#root = open({ path: join(dir, 'state.lmdb'), noSubdir: false, compression: false, mapSize: 2 ** 30 });
      this.#entities = this.#root.openDB<Buffer, string>({ name: 'entities', encoding: 'binary' });
      this.#meta = this.#root.openDB<CheckpointMeta, string>({ name: 'meta', encoding: 'json' });
      this.#transactions = this.#root.openDB<Buffer, string>({ name: 'tx', encoding: 'binary' });
    } catch (cause) {
      release();
      throw new FraudError('FRAUD_STATE_IO', `cannot open the local state store in ${dir}`, { cause });
    }
  }

  static open(options: LocalStoreOptions): LocalStore {
    const groupDir = join(options.stateDir, safeName(options.group));
    for (let slot = 0; slot < 64; slot++) {
      const dir = join(groupDir, String(slot));
      mkdirSync(dir, { recursive: true });
      const release = tryLock(join(dir, 'lock'));
      if (!release) continue;
      const store = new LocalStore(dir, release);
      store.#removeOnClose = options.removeOnClose ?? false;
      const meta = store.meta();
      // A store of another topic, partition count or format cannot be continued: start it afresh.
      if (meta && (meta.topic !== options.topic || meta.partitions !== options.partitions || meta.format !== CODEC_VERSION)) store.#wipe();
      return store;
    }
    throw new FraudError('FRAUD_STATE_LOCKED', `every state slot under ${groupDir} is held by a running detector`);
  }

  meta(): CheckpointMeta | undefined {
    return this.#meta.get(META_KEY);
  }

  get(key: string): Buffer | undefined {
    return this.#entities.getBinary(key);
  }

  /** A transaction of the label index (tx-index.ts), by id. */
  getTransaction(id: string): Buffer | undefined {
    return this.#transactions.getBinary(id);
  }

  /** Every stored key (a full flush of the state when a detector becomes the changelog's writer). */
  keys(): Iterable<string> {
    return this.#entities.getKeys() as Iterable<string>;
  }

  /**
   * Writes a checkpoint: the entities (null removes one) and the meta, in one LMDB
   * transaction (all writes of one event turn commit together). Resolves once durable.
   */
  checkpoint(
    entries: ReadonlyArray<readonly [string, Buffer | null]>,
    meta: CheckpointMeta,
    transactions: ReadonlyArray<readonly [string, Buffer]> = [],
  ): Promise<void> {
    this.#assertOpen();
    // Written in one event turn, so in one LMDB transaction: the meta (last) commits with them or none does.
    for (const [key, value] of entries) void (value === null ? this.#entities.remove(key) : this.#entities.put(key, value));
    for (const [id, value] of transactions) void this.#transactions.put(id, value);
    const written = this.#meta.put(META_KEY, meta).then((ok) => {
      if (!ok) throw new FraudError('FRAUD_STATE_IO', 'the local state store refused a checkpoint');
    });
    this.#pending = written.catch(() => undefined);
    return written;
  }

  /** Writes an entity outside a checkpoint (a restore from the changelog, before the first checkpoint). */
  restore(key: string, value: Buffer | null): void {
    this.#assertOpen();
    this.#pending = (value === null ? this.#entities.remove(key) : this.#entities.put(key, value)).catch(() => false);
  }

  /** Resolves once every write so far is durable. */
  async flushed(): Promise<void> {
    await this.#pending;
    await this.#root.flushed;
  }

  /** Forgets everything (a store of another input, or one the changelog replaces). */
  #wipe(): void {
    this.#entities.clearSync();
    this.#meta.clearSync();
    this.#transactions.clearSync();
  }

  wipe(): Promise<void> {
    this.#assertOpen();
    return this.#root.transaction(() => {
      this.#entities.clearSync();
      this.#meta.clearSync();
      this.#transactions.clearSync();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pending;
    await this.#root.close();
    this.#release();
    if (this.#removeOnClose) rmSync(this.dir, { recursive: true, force: true });
  }

  #assertOpen(): void {
    if (this.#closed) throw new FraudError('FRAUD_STATE_IO', 'the local state store is closed');
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Removes a state folder (tests, `fraud detect --reset-state`). */
export function removeStateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
