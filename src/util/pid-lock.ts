import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/**
 * An exclusive lock file holding its owner's pid, taken synchronously: the holder is the
 * only process using what it guards. A lock whose owner died is taken over.
 * Returns a release function, or undefined when a live process holds it.
 */
export function tryLock(file: string): (() => void) | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder !== undefined && isAlive(holder)) return undefined;
      if (holder === undefined && attempt === 0) continue; // being written right now: look again
      rmSync(file, { force: true });
    }
  }
  return undefined;
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
