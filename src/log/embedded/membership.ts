import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Statement } from '../../util/sqlite.ts';
import type { TopicPartition } from '../types.ts';

export interface MembershipOptions {
  groupId: string;
  /** A member that has not heartbeated for this long is presumed dead and its partitions move. */
  sessionTimeoutMs: number;
}

interface MemberRow {
  member_id: string;
  host: string;
  pid: number;
  heartbeat_at: number;
}

/**
 * Consumer-group membership for processes sharing one SQLite file: each member
 * heartbeats a row; every member computes the same assignment from the sorted list of
 * live members, so no coordinator is needed. A member on this host whose process is
 * gone is dropped at once (a SIGKILLed detector does not hold its partitions for a
 * whole session timeout). Two members briefly disagreeing is harmless: commits are
 * compare-and-set, so only the rightful owner's batch lands.
 */
export class GroupMembership {
  readonly memberId = randomUUID();
  readonly #db: Database;
  readonly #options: MembershipOptions;
  readonly #host = hostname();
  readonly #sql: { upsert: Statement; members: Statement; remove: Statement };

  constructor(db: Database, options: MembershipOptions) {
    this.#db = db;
    this.#options = options;
    this.#sql = {
      upsert: db.prepare(
        `INSERT INTO group_members (group_id, member_id, host, pid, joined_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id, member_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
      ),
      members: db.prepare('SELECT member_id, host, pid, heartbeat_at FROM group_members WHERE group_id = ? ORDER BY member_id'),
      remove: db.prepare('DELETE FROM group_members WHERE group_id = ? AND member_id = ?'),
    };
  }

  /** Heartbeats, evicts dead members and returns the live members' ids in assignment order. */
  heartbeat(now = Date.now()): string[] {
    return this.#db
      .transaction(() => {
        const { groupId } = this.#options;
        this.#sql.upsert.run(groupId, this.memberId, this.#host, process.pid, now, now);
        const live: string[] = [];
        for (const row of this.#sql.members.all(groupId) as MemberRow[]) {
          if (row.member_id !== this.memberId && this.#isDead(row, now)) this.#sql.remove.run(groupId, row.member_id);
          else live.push(row.member_id);
        }
        return live;
      })
      .immediate();
  }

  leave(): void {
    this.#sql.remove.run(this.#options.groupId, this.memberId);
  }

  #isDead(row: MemberRow, now: number): boolean {
    if (now - row.heartbeat_at > this.#options.sessionTimeoutMs) return true;
    return row.host === this.#host && !processExists(row.pid);
  }
}

/** Round-robin over the sorted partitions: every member computes the same answer. */
export function assignPartitions(partitions: TopicPartition[], members: string[], memberId: string): TopicPartition[] {
  const index = members.indexOf(memberId);
  if (index < 0 || members.length === 0) return [];
  const sorted = [...partitions].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return sorted.filter((_, position) => position % members.length === index);
}

function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
