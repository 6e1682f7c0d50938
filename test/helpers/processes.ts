import { readFileSync } from 'node:fs';
import type { RunningFraud } from './cli.ts';
import { eventually } from './log.ts';

/** The first URL a `fraud` process printed (the dashboard and `detect --metrics-port` print theirs on a line of its own). */
export async function printedUrl(running: RunningFraud, timeoutMs = 30_000): Promise<string> {
  let url = '';
  await eventually(async () => {
    url = /^(http:\/\/127\.0\.0\.1:\d+)\/?$/m.exec(running.output())?.[1] ?? '';
    return url !== '';
  }, timeoutMs);
  if (url === '') throw new Error(`no URL printed within ${timeoutMs} ms: ${running.output()}`);
  return url;
}

/** Resident memory of a process in bytes (Linux /proc), undefined once it has exited. */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
