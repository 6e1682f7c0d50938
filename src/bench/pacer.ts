import type { LogProducer, OutgoingRecord } from '../log/types.ts';
import { sleep } from '../util/wait.ts';

export interface PacedRun {
  producer: LogProducer;
  /** Records per second, spaced evenly. */
  rate: number;
  durationMs: number;
  /**
   * Builds the record due at `scheduledAt` (performance.now() time) and wall-clock `epochMs`.
   * The schedule, not the moment the loop got round to it, is the hand-over time: a bench
   * process that falls behind shows as latency, not as a quietly lower rate.
   */
  record: (scheduledAt: number, epochMs: number) => OutgoingRecord;
  /** Called every tick with the time elapsed, for progress. */
  onTick?: (elapsedMs: number) => void;
  /** Stops sending early. */
  signal?: AbortSignal;
}

export interface PacedResult {
  sent: number;
  elapsedMs: number;
}

/**
 * Records handed over and not yet acknowledged, at most; past it the loop waits for the log
 * (the schedule slips, which shows as latency). The Log's Kafka producer merges the sends
 * waiting behind a request into the next one, unbounded: past about 1 MB per partition the
 * broker refuses the batch (MESSAGE_TOO_LARGE), so a falling-behind sender must not pile up.
 */
const MAX_PENDING_RECORDS = 5000;
const TICK_MS = 1;

/**
 * An open-loop sender: every millisecond, whatever became due is handed to the producer
 * without waiting for the previous send, as independent clients would. Sends in flight
 * are awaited before it returns; the first failure is thrown then.
 */
export async function sendPaced(run: PacedRun): Promise<PacedResult> {
  const started = performance.now();
  const startedEpoch = Date.now();
  const intervalMs = 1000 / run.rate;
  const total = Math.ceil(run.durationMs / intervalMs);
  const inFlight = new InFlight();
  let sent = 0;
  while (!inFlight.failure && !run.signal?.aborted) {
    const elapsed = performance.now() - started;
    const due = Math.min(Math.floor(elapsed / intervalMs) + 1, total, sent + inFlight.room(MAX_PENDING_RECORDS));
    const records: OutgoingRecord[] = [];
    for (; sent < due; sent++) records.push(run.record(started + sent * intervalMs, startedEpoch + sent * intervalMs));
    if (records.length > 0) inFlight.add(run.producer.send(records), records.length);
    if (sent >= total) break;
    await inFlight.below(MAX_PENDING_RECORDS);
    run.onTick?.(elapsed);
    await sleep(TICK_MS);
  }
  const elapsedMs = performance.now() - started;
  await inFlight.settled();
  if (inFlight.failure) throw inFlight.failure.error;
  return { sent, elapsedMs };
}

/** Sends not yet acknowledged, the records they hold, and the first failure. */
class InFlight {
  readonly #sends = new Set<Promise<void>>();
  #records = 0;
  failure: { error: unknown } | undefined;

  add(send: Promise<void>, records: number): void {
    this.#records += records;
    const tracked: Promise<void> = send
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.#records -= records;
        this.#sends.delete(tracked);
      });
    this.#sends.add(tracked);
  }

  /** How many more records may be handed over before `limit` are pending. */
  room(limit: number): number {
    return Math.max(0, limit - this.#records);
  }

  /** Waits until fewer than `limit` records are pending. */
  async below(limit: number): Promise<void> {
    while (this.#records >= limit && this.#sends.size > 0) await Promise.race(this.#sends);
  }

  async settled(): Promise<void> {
    await Promise.all(this.#sends);
  }
}
