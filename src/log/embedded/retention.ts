import type { Database, Statement } from '../../util/sqlite.ts';

export interface RetentionOptions {
  /** Records older than this (by append time) are deleted, as Kafka's retention.ms does. */
  retentionMs: number;
  /** Rows deleted per SQLite transaction, so trimming never holds the write lock for long. */
  chunk?: number;
}

interface PartitionRow {
  topic_id: number;
  partition: number;
  start_offset: number;
  next_offset: number;
}

/**
 * Trims the embedded log: in every partition of a topic that is neither compacted nor kept
 * forever (retention.ms = -1, the audit trail), the records
 * appended before the retention period are deleted and the partition's first offset moves
 * up. Offsets follow append time, so the first record to keep is found by binary search on
 * the clustered key, not by scanning.
 */
export class Retention {
  readonly #db: Database;
  readonly #options: Required<RetentionOptions>;
  readonly #sql: { partitions: Statement; timeAt: Statement; remove: Statement; setStart: Statement };

  constructor(db: Database, options: RetentionOptions) {
    this.#db = db;
    this.#options = { chunk: 20_000, ...options };
    this.#sql = {
      partitions: db.prepare(
        `SELECT p.topic_id, p.partition, p.start_offset, p.next_offset FROM partitions p JOIN topics t ON t.id = p.topic_id
         WHERE t.compacted = 0
           AND NOT EXISTS (SELECT 1 FROM topic_configs c WHERE c.topic_id = t.id AND c.name = 'retention.ms' AND c.value = '-1')`,
      ),
      timeAt: db.prepare('SELECT timestamp FROM records WHERE topic_id = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT 1'),
      remove: db.prepare('DELETE FROM records WHERE topic_id = ? AND partition = ? AND offset >= ? AND offset < ?'),
      setStart: db.prepare('UPDATE partitions SET start_offset = ? WHERE topic_id = ? AND partition = ? AND start_offset < ?'),
    };
  }

  /** Deletes what is past retention; returns how many records went. */
  trim(now = Date.now()): number {
    const cutoff = now - this.#options.retentionMs;
    let removed = 0;
    for (const row of this.#sql.partitions.all() as PartitionRow[]) {
      const keepFrom = this.#firstKept(row, cutoff);
      for (let from = row.start_offset; from < keepFrom; from += this.#options.chunk) {
        const to = Math.min(keepFrom, from + this.#options.chunk);
        removed += this.#db
          .transaction(() => {
            const changes = this.#sql.remove.run(row.topic_id, row.partition, from, to).changes;
            this.#sql.setStart.run(to, row.topic_id, row.partition, to);
            return changes;
          })
          .immediate();
      }
    }
    return removed;
  }

  /** The first offset appended at or after the cutoff (binary search over the offsets). */
  #firstKept(row: PartitionRow, cutoff: number): number {
    let low = row.start_offset;
    let high = row.next_offset;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const found = this.#sql.timeAt.get(row.topic_id, row.partition, middle) as { timestamp: number } | undefined;
      if (found !== undefined && found.timestamp < cutoff) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
