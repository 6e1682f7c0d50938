import type { Database } from '../../util/sqlite.ts';

/**
 * One SQLite file holds the whole log. WAL lets several processes read while one
 * writes (the seed's three terminals); every append and every offset commit is a
 * SQLite transaction, so a decision's outputs and its input's commit are atomic.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS topics (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     partitions INTEGER NOT NULL,
     compacted INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL)`,
  // next_offset lives here rather than as MAX(offset) so that trimming old records never reuses an offset.
  `CREATE TABLE IF NOT EXISTS partitions (
     topic_id INTEGER NOT NULL,
     partition INTEGER NOT NULL,
     start_offset INTEGER NOT NULL DEFAULT 0,
     next_offset INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (topic_id, partition)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS records (
     topic_id INTEGER NOT NULL,
     partition INTEGER NOT NULL,
     offset INTEGER NOT NULL,
     timestamp INTEGER NOT NULL,
     key BLOB,
     value BLOB,
     headers TEXT,
     PRIMARY KEY (topic_id, partition, offset)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS group_offsets (
     group_id TEXT NOT NULL,
     topic_id INTEGER NOT NULL,
     partition INTEGER NOT NULL,
     offset INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (group_id, topic_id, partition)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS group_members (
     group_id TEXT NOT NULL,
     member_id TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL,
     joined_at INTEGER NOT NULL,
     heartbeat_at INTEGER NOT NULL,
     PRIMARY KEY (group_id, member_id)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // Per-topic settings, as Kafka's topic configs (e.g. retention.ms = -1). A table of its
  // own, created on open, so logs written before it read on without a schema change.
  `CREATE TABLE IF NOT EXISTS topic_configs (
     topic_id INTEGER NOT NULL,
     name TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (topic_id, name)) WITHOUT ROWID`,
];

/** Version 2: records clustered by (topic, partition, offset), on 16 KiB pages. */
export const SCHEMA_VERSION = '2';

export interface PragmaOptions {
  /** 'normal' survives a killed process (what the tests prove); 'full' also survives power loss, slower. */
  synchronous: 'normal' | 'full';
  busyTimeoutMs: number;
}

export function prepareDatabase(db: Database, options: PragmaOptions): void {
  // Records are clustered by (topic, partition, offset), so a read is one range scan of one
  // B-tree; 16 KiB pages keep a few hundred-byte records per page. Takes effect on a new file.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
  db.pragma('foreign_keys = OFF');
  db.transaction(() => {
    for (const statement of STATEMENTS) db.exec(statement);
    db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
  }).immediate();
  const found = (db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string }).value;
  if (found !== SCHEMA_VERSION) {
    throw new Error(`the embedded log was written by another version (schema ${found}, this one reads ${SCHEMA_VERSION}); move its folder away to start afresh`);
  }
}
