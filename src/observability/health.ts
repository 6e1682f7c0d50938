import type { Log, LogHealth, TopicPartition } from '../log/types.ts';

/** How far a consumer is behind in one partition, as the last sample saw it. */
export interface PartitionLag extends TopicPartition {
  /** Next offset to decide: the group's committed position (or the start when there is none). */
  position: number;
  /** End of what a read_committed reader can read. */
  end: number;
  lag: number;
}

export interface DetectorHealthReport {
  ok: boolean;
  log: LogHealth;
  detector: {
    running: boolean;
    /** No turn of the loop for longer than the limit: a hung call, not a quiet stream. */
    stuck: boolean;
    lastLoopAt: string | null;
    lastCommitAt: string | null;
    assignment: string[];
    lag: PartitionLag[];
    totalLag: number;
    lagSampledAt: string | null;
    /** The transient failure the loop is retrying, until a turn goes through again. */
    retrying: string | null;
  };
}

export interface DetectorHealthOptions {
  now?: () => number;
  /** A loop turn (poll, decide, commit) is bounded by the log's timeouts; past this it is stuck. */
  stuckAfterMs?: number;
}

/**
 * What the detector loop says about itself, for /healthz. The loop reports, the HTTP
 * handler reads: no I/O here, so a hung log cannot hang the health check with it.
 */
export class DetectorHealth {
  readonly #now: () => number;
  readonly #stuckAfterMs: number;
  #running = false;
  #lastLoopAt: number | undefined;
  #lastCommitAt: number | undefined;
  #assignment: TopicPartition[] = [];
  #lag: PartitionLag[] = [];
  #lagSampledAt: number | undefined;
  #retrying: string | undefined;

  constructor(options: DetectorHealthOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#stuckAfterMs = options.stuckAfterMs ?? 60_000;
  }

  started(): void {
    this.#running = true;
    this.#lastLoopAt = this.#now();
  }

  stopped(): void {
    this.#running = false;
  }

  /** One turn of the loop went through, with or without records. */
  turned(): void {
    this.#lastLoopAt = this.#now();
    this.#retrying = undefined;
  }

  /** One turn failed on a transient error and will be tried again: the loop is alive, the log is not. */
  retrying(reason: string): void {
    this.#lastLoopAt = this.#now();
    this.#retrying = reason;
  }

  committed(): void {
    this.#lastCommitAt = this.#now();
  }

  sampled(assignment: TopicPartition[], lag: PartitionLag[]): void {
    this.#assignment = assignment;
    this.#lag = lag;
    this.#lagSampledAt = this.#now();
  }

  get stuck(): boolean {
    return this.#running && this.#lastLoopAt !== undefined && this.#now() - this.#lastLoopAt > this.#stuckAfterMs;
  }

  report(log: LogHealth): DetectorHealthReport {
    return {
      ok: log.ok && this.#running && !this.stuck,
      log,
      detector: {
        running: this.#running,
        stuck: this.stuck,
        lastLoopAt: iso(this.#lastLoopAt),
        lastCommitAt: iso(this.#lastCommitAt),
        assignment: this.#assignment.map((tp) => `${tp.topic}[${tp.partition}]`),
        lag: this.#lag,
        totalLag: this.#lag.reduce((sum, entry) => sum + entry.lag, 0),
        lagSampledAt: iso(this.#lagSampledAt),
        retrying: this.#retrying ?? null,
      },
    };
  }
}

/** The /healthz answer: 200 when the log answers and the loop turns, else 503. */
export async function detectorHealthReport(log: Log, health: DetectorHealth): Promise<{ statusCode: number; body: DetectorHealthReport }> {
  const body = health.report(await log.health());
  return { statusCode: body.ok ? 200 : 503, body };
}

function iso(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}
