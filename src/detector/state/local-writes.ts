import type { Database, Statement } from '../../util/sqlite.ts';

/** One write the local store's writer thread applies, in one SQLite transaction. */
export type LocalWrite =
  | {
      kind: 'write';
      /** Entities: a null value removes one. */
      entities: ReadonlyArray<readonly [string, Uint8Array | null]>;
      transactions: ReadonlyArray<readonly [string, Uint8Array]>;
      /** The checkpoint's meta as JSON, written last (with the entities or not at all); absent for a restore batch. */
      meta?: string;
    }
  | { kind: 'wipe' };

export interface LocalWriteRequest {
  id: number;
  write: LocalWrite;
}

export interface LocalWriteReply {
  id: number;
  /** Why the write was refused (it was rolled back). */
  error?: string;
}

export const META_KEY = 'checkpoint';

/** The settings SQLite keeps per connection: both the store's and its writer thread's. */
export function configureConnection(db: Database): void {
  db.pragma('busy_timeout = 10000');
  // A commit survives the process's death (SIGKILL); a power loss at worst takes back the last checkpoints, never a torn one.
  db.pragma('synchronous = NORMAL');
  // Entities are written in random key order: a page cache that holds the tree's inner pages saves most of the reads.
  db.pragma('cache_size = -65536');
}

/** The store's tables and journal, set up by the connection that opens it first. */
export function prepareSchema(db: Database): void {
  configureConnection(db);
  db.pragma('journal_mode = WAL');
  // Rowid tables: entities are a few hundred bytes, past what WITHOUT ROWID tables store well (3x slower writes measured).
  db.exec(`
    CREATE TABLE IF NOT EXISTS entities (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS transactions (id TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
}

/** Applies writes to one connection: what the writer thread runs, and the store itself when it must write before the thread starts. */
export class LocalWriter {
  readonly #db: Database;
  readonly #put: Statement;
  readonly #remove: Statement;
  readonly #putTransaction: Statement;
  readonly #putMeta: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#put = db.prepare('INSERT INTO entities (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.#remove = db.prepare('DELETE FROM entities WHERE key = ?');
    this.#putTransaction = db.prepare('INSERT INTO transactions (id, value) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value');
    this.#putMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  apply(write: LocalWrite): void {
    this.#db.transaction(() => {
      if (write.kind === 'wipe') {
        this.#db.exec('DELETE FROM entities; DELETE FROM transactions; DELETE FROM meta;');
        return;
      }
      for (const [key, value] of write.entities) {
        if (value === null) this.#remove.run(key);
        else this.#put.run(key, value);
      }
      for (const [id, value] of write.transactions) this.#putTransaction.run(id, value);
      if (write.meta !== undefined) this.#putMeta.run(META_KEY, write.meta);
    })();
  }
}
