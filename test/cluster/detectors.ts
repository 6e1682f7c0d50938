import type { TestContext } from 'node:test';
import type { DetectorHealthReport } from '../../src/observability/health.ts';
import { startFraud, type RunningFraud } from '../helpers/cli.ts';
import { printedUrl } from '../helpers/processes.ts';

/** One `fraud detect` process, and when it started. */
interface Run {
  process: RunningFraud;
  startedAt: number;
}

/**
 * The detectors of one group, each a `fraud detect` process with a static instance id
 * (det-0, det-1, …) and its health server, started again under the same id after a kill.
 * Every process's output is kept, the killed ones' too, for the report.
 */
export class DetectorFleet {
  readonly #t: TestContext;
  readonly #args: string[];
  readonly #env: NodeJS.ProcessEnv;
  readonly #current: Run[] = [];
  readonly #all: Run[] = [];

  constructor(t: TestContext, args: string[], env: NodeJS.ProcessEnv) {
    this.#t = t;
    this.#args = args;
    this.#env = env;
  }

  get size(): number {
    return this.#current.length;
  }

  start(count: number): void {
    for (let i = 0; i < count; i++) this.#current.push(this.#spawn(i));
  }

  /** SIGKILL, as kafkatest's copier.restart(clean_shutdown=False) does; resolves once it is dead. */
  async kill(index: number): Promise<number> {
    const run = this.#run(index);
    run.process.child.kill('SIGKILL');
    const exit = await run.process.exited;
    if (exit.signal !== 'SIGKILL') throw new Error(`det-${index} ended by ${String(exit.signal ?? exit.code)} before the SIGKILL: ${run.process.output().slice(-2000)}`);
    return Date.now();
  }

  restart(index: number): number {
    const run = this.#spawn(index);
    this.#current[index] = run;
    return run.startedAt;
  }

  /**
   * The time of the process's first commit after `since` (its /healthz lastCommitAt), or
   * undefined if none within timeoutMs. Its health server answers once it is up.
   */
  async firstCommitAfter(index: number, since: number, timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    const run = this.#run(index);
    let url: string;
    try {
      url = await printedUrl(run.process, timeoutMs);
    } catch {
      return undefined;
    }
    while (Date.now() < deadline) {
      const at = await lastCommitAt(url);
      if (at !== undefined && at > since) return at;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return undefined;
  }

  /** SIGTERM to each: the batch in flight commits, then the process exits 0. */
  async stopAll(): Promise<Array<{ index: number; code: number | null; signal: NodeJS.Signals | null; output: string }>> {
    for (const run of this.#current) run.process.child.kill('SIGTERM');
    return Promise.all(
      this.#current.map(async (run, index) => {
        const timer = setTimeout(() => run.process.child.kill('SIGKILL'), 60_000);
        const exit = await run.process.exited;
        clearTimeout(timer);
        return { index, ...exit, output: run.process.output() };
      }),
    );
  }

  /**
   * What det-`index` says about itself now (its /healthz: assignment, lag, the failure it
   * retries) and the end of its output: why it did not commit, when it did not.
   */
  async describe(index: number): Promise<string> {
    const run = this.#run(index);
    const report = await printedUrl(run.process, 5_000).then(healthReport, () => undefined);
    return `det-${index}: ${report ? JSON.stringify(report) : 'no health report'}; output: ${run.process.output().slice(-3000)}`;
  }

  /** Every process's output, killed ones included: one entry per process run. */
  outputs(): string[] {
    return this.#all.map((run) => run.process.output());
  }

  #run(index: number): Run {
    const run = this.#current[index];
    if (!run) throw new Error(`no detector ${index}`);
    return run;
  }

  #spawn(index: number): Run {
    const process = startFraud(this.#t, ['detect', ...this.#args, '--instance-id', `det-${index}`, '--metrics-port', '0'], this.#env);
    const run = { process, startedAt: Date.now() };
    this.#all.push(run);
    return run;
  }
}

/** The detector's /healthz report, or undefined when it does not answer. */
async function healthReport(url: string): Promise<DetectorHealthReport | undefined> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as DetectorHealthReport;
  } catch {
    return undefined;
  }
}

async function lastCommitAt(url: string): Promise<number | undefined> {
  const at = (await healthReport(url))?.detector.lastCommitAt;
  return at === null || at === undefined ? undefined : Date.parse(at);
}

/** Log lines (pino JSON) of the detectors whose message matches, with their times. */
export function logEvents(outputs: string[], message: RegExp): number[] {
  const times: number[] = [];
  for (const output of outputs) {
    for (const line of output.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as { msg?: unknown; time?: unknown };
        if (typeof entry.msg === 'string' && message.test(entry.msg) && typeof entry.time === 'number') times.push(entry.time);
      } catch {
        // not a log line
      }
    }
  }
  return times.sort((a, b) => a - b);
}
