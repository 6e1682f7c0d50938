import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) after this long; the result then has `timedOut: true`. */
  timeoutMs?: number;
  /** Called with every chunk of stdout as it arrives, e.g. to show a tool's progress live. */
  onStdout?: (chunk: string) => void;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Keeps the last part only: a tool that prints for minutes must not grow memory without bound. */
const MAX_KEPT_CHARS = 4 * 1024 * 1024;

/**
 * Runs a program to completion and resolves with its exit status and output whatever
 * the status; rejects only when the program cannot be started at all (e.g. ENOENT).
 */
export function runProcess(file: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keepTail(stdout + chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keepTail(stderr + chunk);
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function keepTail(text: string): string {
  return text.length > MAX_KEPT_CHARS ? text.slice(text.length - MAX_KEPT_CHARS) : text;
}

/** The last lines of some output, for error messages that must stay readable. */
export function lastLines(text: string, count: number): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-count);
}

/** The last `bytes` of a file, so a 50 MB server.log is not read whole to show 20 lines. */
export async function readFileTail(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The `code` of a Node system error (ENOENT, ESRCH, EPERM…), without casting unknown errors. */
export function errnoCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
