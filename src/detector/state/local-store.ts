import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { FraudError } from '../../errors.ts';
import { tryLock } from '../../util/pid-lock.ts';
import { openDatabase, type Database, type Statement } from '../../util/sqlite.ts';
import { moduleWorker } from '../../util/worker.ts';
import { CODEC_VERSION } from './codec.ts';
import { LocalWriter, META_KEY, prepareSchema, type LocalWrite, type LocalWriteReply, type LocalWriteRequest } from './local-writes.ts';

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

/** Restored entities are written in transactions of this many (one commit per entity would take minutes for millions). */
const RESTORE_BATCH = 5000;

interface Reads {
  entity: Statement;
  keys: Statement;
  transaction: Statement;
  meta: Statement;
}

/**
 * The detector's local, checkpointed state store: SQLite (WAL journal) in a folder of its
 * own. Entities live here past the memory budget and between runs; a restart reads them
 * lazily, as decisions need them, so it does not re-read the history. Writes are only
 * ever a checkpoint: every changed entity and the position they stand at, in one SQLite
 * transaction, so the store is always the state of one position of the input, whatever
 * kills the process. Reads are synchronous, on the detector's thread; writes go to a
 * writer thread (local-writer-thread.ts) in order and resolve once committed. Several
 * detectors on one machine each take a slot (`<stateDir>/<group>/<n>`) held by a pid
 * lock; a restarted detector finds its own again.
 *
 * Why SQLite and not LMDB (used before): lmdb-js's own freelist code failed a commit with
 * MDB_BAD_TXN ("reserved freelist had a data entry with zero-size") in the cluster test
 * after a detector was killed, a family of failures its maintainers track as open; the
 * embedded log already runs on SQLite, so it is one engine fewer to trust.
 */
export class LocalStore {
  readonly dir: string;
  readonly #file: string;
  readonly #db: Database;
  readonly #reads: Reads;
  readonly #release: () => void;
  #meta: CheckpointMeta | undefined;
  #restoring: Array<readonly [string, Buffer | null]> = [];
  #worker: Worker | undefined;
  #workerFailure: Error | undefined;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  /** Settles when the last write queued does (the thread applies them in order: every earlier one is done too). */
  #last: Promise<void> = Promise.resolve();
  /** A restore batch refused since the last flushed(): its caller is flushed(). */
  #restoreFailure: Error | undefined;
  #removeOnClose = false;
  #closed = false;

  private constructor(dir: string, release: () => void) {
    this.dir = dir;
    this.#release = release;
    this.#file = join(dir, 'state.sqlite');
    try {
      // The LMDB store of earlier versions: its state comes back from the changelog.
      const legacy = join(dir, 'state.lmdb');
      if (existsSync(legacy)) rmSync(legacy, { recursive: true, force: true });
      this.#db = openDatabase(this.#file);
      prepareSchema(this.#db);
      this.#reads = {
        entity: this.#db.prepare('SELECT value FROM entities WHERE key = ?').raw(),
        keys: this.#db.prepare('SELECT key FROM entities').raw(),
        transaction: this.#db.prepare('SELECT value FROM transactions WHERE id = ?').raw(),
        meta: this.#db.prepare('SELECT value FROM meta WHERE key = ?').raw(),
      };
      const row = this.#reads.meta.get(META_KEY) as [string] | undefined;
      this.#meta = row ? (JSON.parse(row[0]) as CheckpointMeta) : undefined;
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
      // A store of another topic, partition count or format cannot be continued: start it afresh (before any write is queued).
      if (meta && (meta.topic !== options.topic || meta.partitions !== options.partitions || meta.format !== CODEC_VERSION)) {
        new LocalWriter(store.#db).apply({ kind: 'wipe' });
        store.#meta = undefined;
      }
      return store;
    }
    throw new FraudError('FRAUD_STATE_LOCKED', `every state slot under ${groupDir} is held by a running detector`);
  }

  meta(): CheckpointMeta | undefined {
    return this.#meta;
  }

  get(key: string): Buffer | undefined {
    return (this.#reads.entity.get(key) as [Buffer] | undefined)?.[0];
  }

  /** A transaction of the label index (tx-index.ts), by id. */
  getTransaction(id: string): Buffer | undefined {
    return (this.#reads.transaction.get(id) as [Buffer] | undefined)?.[0];
  }

  /** Every stored key (a full flush of the state when a detector becomes the changelog's writer). */
  *keys(): Generator<string> {
    for (const row of this.#reads.keys.iterate() as IterableIterator<[string]>) yield row[0];
  }

  /**
   * Writes a checkpoint: the entities (null removes one), the label index's transactions
   * and the meta, in one SQLite transaction: the meta commits with them or none does.
   * Resolves once committed; reads see it from then on.
   */
  checkpoint(
    entries: ReadonlyArray<readonly [string, Buffer | null]>,
    meta: CheckpointMeta,
    transactions: ReadonlyArray<readonly [string, Buffer]> = [],
  ): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#queueRestored();
    return this.#send({ kind: 'write', entities: entries, transactions, meta: JSON.stringify(meta) }).then(() => {
      this.#meta = meta;
    });
  }

  /** Writes an entity outside a checkpoint (a restore from the changelog, before the first checkpoint); durable after flushed(). */
  restore(key: string, value: Buffer | null): void {
    this.#assertOpen();
    this.#restoring.push([key, value]);
    if (this.#restoring.length >= RESTORE_BATCH) this.#queueRestored();
  }

  /** Resolves once every write so far is committed; rejects if a restored entity was not. */
  async flushed(): Promise<void> {
    this.#queueRestored();
    await this.#last;
    const failure = this.#restoreFailure;
    this.#restoreFailure = undefined;
    if (failure) throw failure;
  }

  wipe(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#restoring = [];
    return this.#send({ kind: 'wipe' }).then(() => {
      this.#meta = undefined;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#queueRestored();
    this.#closed = true;
    await this.#last;
    const worker = this.#worker;
    this.#worker = undefined;
    // A thread that stopped on its own (#workerFailure) has no exit left to wait for.
    if (worker && !this.#workerFailure) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref();
      worker.postMessage('close');
      await exited;
    }
    this.#db.close();
    this.#release();
    if (this.#removeOnClose) rmSync(this.dir, { recursive: true, force: true });
  }

  #queueRestored(): void {
    if (this.#restoring.length === 0) return;
    const entities = this.#restoring;
    this.#restoring = [];
    this.#send({ kind: 'write', entities, transactions: [] }).catch((error: unknown) => {
      this.#restoreFailure ??= error instanceof Error ? error : new Error(String(error));
    });
  }

  /** Queues a write on the writer thread; resolves once it is committed. */
  #send(write: LocalWrite): Promise<void> {
    if (this.#workerFailure) return Promise.reject(this.#workerFailure);
    const worker = this.#writerThread();
    const id = ++this.#nextId;
    const done = new Promise<void>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    if (this.#waiting.size === 1) worker.ref();
    worker.postMessage({ id, write } satisfies LocalWriteRequest);
    this.#last = done.catch(() => undefined);
    return done;
  }

  #writerThread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = moduleWorker(import.meta.url, 'local-writer-thread', { file: this.#file });
    worker.on('message', (reply: LocalWriteReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      // Idle, the thread must not keep the process alive; busy, it must (a write is awaited).
      if (this.#waiting.size === 0) worker.unref();
      if (!waiting) return;
      if (reply.error === undefined) waiting.resolve();
      else waiting.reject(new FraudError('FRAUD_STATE_IO', `the local state store in ${this.dir} refused a write: ${reply.error}`));
    });
    const fail = (cause: unknown): void => {
      this.#workerFailure ??= new FraudError('FRAUD_STATE_IO', `the local state store's writer thread in ${this.dir} stopped`, { cause });
      for (const waiting of this.#waiting.values()) waiting.reject(this.#workerFailure);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.#waiting.size > 0 || !this.#closed) fail(new Error(`exit code ${code}`));
    });
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError();
  }
}

function closedError(): FraudError {
  return new FraudError('FRAUD_STATE_IO', 'the local state store is closed');
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Removes a state folder (tests, `fraud detect --reset-state`). */
export function removeStateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
