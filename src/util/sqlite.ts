import { createRequire } from 'node:module';
import type { DatabaseSyncInstance, StatementSyncInstance } from '@photostructure/sqlite';
import { FraudError } from '../errors.ts';

/**
 * The little of SQLite the embedded log and the detector's local state store use, shaped
 * like better-sqlite3 (which the log used before) so its callers read the same: prepared
 * statements, `transaction(fn).immediate()`, `pragma()`. Two engines behind it, with one
 * API (node:sqlite's `DatabaseSync`):
 *
 * - `node:sqlite`, built into Node 24.15 and later (and 26), where it is a release
 *   candidate and loads without a warning: nothing to install or compile.
 * - `@photostructure/sqlite` on older Node (20, 22): node:sqlite's code as an addon whose
 *   package carries prebuilt binaries for every platform, so `npm install` needs no
 *   compiler and fetches nothing but the package.
 *
 * `FRAUD_SQLITE=addon` (or `builtin`) picks one, for tests and benchmarks.
 */

export type SqliteValue = null | number | bigint | string | Buffer | Uint8Array;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

export interface Statement {
  run(...params: SqliteValue[]): RunResult;
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
  /** Rows one at a time (a scan of a large table without holding it all). */
  iterate(...params: SqliteValue[]): IterableIterator<unknown>;
  /** Rows as arrays instead of objects (one allocation less per row), from now on. */
  raw(on?: boolean): Statement;
}

export interface Transaction<T> {
  /** BEGIN DEFERRED: takes the write lock at the first write. */
  (): T;
  /** BEGIN IMMEDIATE: takes the write lock at once, waiting up to the busy timeout. */
  immediate(): T;
}

export interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  /** `PRAGMA source`: every row, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Runs `fn` in a transaction: committed when it returns, rolled back when it throws; nested calls use savepoints. */
  transaction<T>(fn: () => T): Transaction<T>;
  close(): void;
  readonly engine: SqliteEngine;
}

export type SqliteEngine = 'node:sqlite' | '@photostructure/sqlite';

interface SqliteModule {
  DatabaseSync: new (path: string) => DatabaseSyncInstance;
}

let loaded: { engine: SqliteEngine; module: SqliteModule } | undefined;

/** Which engine this process uses: node:sqlite where it is stable enough to load quietly. */
export function sqliteEngine(env: NodeJS.ProcessEnv = process.env): SqliteEngine {
  const wanted = env.FRAUD_SQLITE;
  if (wanted === 'addon') return '@photostructure/sqlite';
  if (wanted === 'builtin') return 'node:sqlite';
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  // 24.15 made node:sqlite a release candidate; before it, every load prints an ExperimentalWarning.
  return major >= 26 || (major === 24 && minor >= 15) ? 'node:sqlite' : '@photostructure/sqlite';
}

function sqliteModule(): { engine: SqliteEngine; module: SqliteModule } {
  if (loaded) return loaded;
  const engine = sqliteEngine();
  try {
    const module =
      engine === 'node:sqlite'
        ? (process.getBuiltinModule('node:sqlite') as SqliteModule | undefined)
        : (createRequire(import.meta.url)('@photostructure/sqlite') as SqliteModule);
    if (!module) throw new Error(`Node ${process.version} has no node:sqlite`);
    loaded = { engine, module };
    return loaded;
  } catch (cause) {
    throw new FraudError('FRAUD_LOG_IO', `cannot load SQLite (${engine})`, { cause });
  }
}

export function openDatabase(file: string): Database {
  const { engine, module } = sqliteModule();
  return new SqliteDatabase(new module.DatabaseSync(file), engine);
}

class SqliteDatabase implements Database {
  readonly engine: SqliteEngine;
  readonly #db: DatabaseSyncInstance;
  readonly #pragmas = new Map<string, Statement>();
  #savepoints = 0;

  constructor(db: DatabaseSyncInstance, engine: SqliteEngine) {
    this.#db = db;
    this.engine = engine;
  }

  prepare(sql: string): Statement {
    return new SqliteStatement(this.#db.prepare(sql));
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    // data_version is asked every few milliseconds by idle consumers: prepare it once.
    let statement = this.#pragmas.get(source);
    if (!statement) {
      statement = this.prepare(`PRAGMA ${source}`);
      this.#pragmas.set(source, statement);
    }
    const rows = statement.all() as Array<Record<string, unknown>>;
    if (!options.simple) return rows;
    const first = rows[0];
    return first === undefined ? undefined : Object.values(first)[0];
  }

  transaction<T>(fn: () => T): Transaction<T> {
    const run = (begin: string) => (): T => (this.#db.isTransaction ? this.#nested(fn) : this.#outermost(begin, fn));
    return Object.assign(run('BEGIN'), { immediate: run('BEGIN IMMEDIATE') });
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #outermost<T>(begin: string, fn: () => T): T {
    this.#db.exec(begin);
    try {
      const result = fn();
      if (result instanceof Promise) throw new TypeError('a transaction function must not be async: its work would land outside the transaction');
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite may have rolled back already (e.g. on SQLITE_FULL): only roll back what is open.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #nested<T>(fn: () => T): T {
    const name = `nested_${++this.#savepoints}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    try {
      const result = fn();
      this.#db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.#db.exec(`ROLLBACK TO ${name}`);
      this.#db.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      this.#savepoints--;
    }
  }
}

class SqliteStatement implements Statement {
  readonly #statement: StatementSyncInstance;
  #arrays = false;

  constructor(statement: StatementSyncInstance) {
    this.#statement = statement;
  }

  run(...params: SqliteValue[]): RunResult {
    const result = this.#statement.run(...params);
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  get(...params: SqliteValue[]): unknown {
    const row = this.#statement.get(...params) as Row | undefined;
    return row === undefined ? undefined : this.#buffers(row);
  }

  all(...params: SqliteValue[]): unknown[] {
    const rows = this.#statement.all(...params) as Row[];
    for (const row of rows) this.#buffers(row);
    return rows;
  }

  *iterate(...params: SqliteValue[]): IterableIterator<unknown> {
    for (const row of this.#statement.iterate(...params) as IterableIterator<Row>) yield this.#buffers(row);
  }

  raw(on = true): Statement {
    this.#arrays = on;
    this.#statement.setReturnArrays(on);
    return this;
  }

  /** BLOBs arrive as Uint8Array; the log hands out Buffers (a view on the same bytes, no copy). */
  #buffers(row: Row): Row {
    if (this.#arrays) {
      const values = row as unknown[];
      for (let i = 0; i < values.length; i++) values[i] = asBuffer(values[i]);
    } else {
      const fields = row as Record<string, unknown>;
      for (const key in fields) fields[key] = asBuffer(fields[key]);
    }
    return row;
  }
}

type Row = Record<string, unknown> | unknown[];

function asBuffer(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}
