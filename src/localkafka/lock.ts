import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FraudError } from '../errors.ts';
import { errnoCode } from './exec.ts';

export interface LockOptions {
  /** How long to wait for another holder; a first start may spend minutes fetching jars. */
  waitMs: number;
  pollMs?: number;
}

/**
 * Runs fn while holding an exclusive lock file. Parallel test files each call
 * startLocalKafka; without the lock two of them would both see "not running", both
 * start a broker, and one would fail on the taken port. With it, the second waits and
 * then finds the first one's broker. A lock left by a dead process is taken over.
 */
export async function withLockFile<T>(lockFile: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  await acquire(lockFile, options);
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function acquire(lockFile: string, options: LockOptions): Promise<void> {
  await mkdir(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    if (await tryCreate(lockFile)) return;
    const holder = await readHolder(lockFile);
    if (await removeIfStale(lockFile, holder)) continue;
    if (Date.now() >= deadline) {
      throw new FraudError('FRAUD_KAFKA_SETUP', `another process (pid ${String(holder)}) is still starting this broker; lock ${lockFile}`, {
        canRetry: true,
      });
    }
    await sleep(options.pollMs ?? 250);
  }
}

/**
 * A lock whose owner died is removed; the exclusive create that follows stays the only
 * arbiter. An empty lock is one being written right now, unless it has been empty for
 * seconds (its owner died between creating and writing it).
 */
async function removeIfStale(lockFile: string, holder: number | undefined): Promise<boolean> {
  if (holder !== undefined && isAlive(holder)) return false;
  if (holder === undefined && !(await olderThan(lockFile, 5_000))) return false;
  // Read again just before removing, so a lock that another waiter already replaced is kept.
  if ((await readHolder(lockFile)) !== holder) return false;
  await rm(lockFile, { force: true });
  return true;
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > ms;
  } catch {
    return false;
  }
}

async function tryCreate(lockFile: string): Promise<boolean> {
  try {
    const handle = await open(lockFile, 'wx');
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function readHolder(lockFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(lockFile, 'utf8')).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // removed meanwhile, or written a moment from now: the next round decides
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}
