import type { LogConsumer, LogRecord } from '../log/types.ts';
import { sleep } from '../util/wait.ts';
import { LatencyHistogram } from './histogram.ts';

/** The transactions of one measured span, and what became of them. */
export class LatencyWindow {
  readonly histogram = new LatencyHistogram();
  sent = 0;
  decided = 0;
}

interface Pending {
  at: number;
  window: LatencyWindow;
}

/**
 * Reads the output topics and matches each decision to the moment its transaction was
 * handed to the producer (same process, same clock: performance.now()). The latency
 * counted is read time minus hand-over time: producer, broker, detector, broker, consumer.
 */
export class DecisionWatch {
  readonly #pending = new Map<string, Pending>();
  readonly #consumer: LogConsumer;
  #failure: unknown;

  constructor(consumer: LogConsumer) {
    this.#consumer = consumer;
  }

  /** A transaction handed over at `at`, whose decision is awaited. */
  expect(id: string, at: number, window: LatencyWindow): void {
    this.#pending.set(id, { at, window });
    window.sent++;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Reads until the signal; never rejects (a failure is kept and thrown by `drain`). */
  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        const records = await this.#consumer.poll({ maxRecords: 5000, maxWaitMs: 100, signal });
        if (records.length > 0) this.#settle(records, performance.now());
      }
    } catch (error) {
      this.#failure = error;
    }
  }

  /** Waits until every expected decision was read; false when `timeoutMs` passed first. */
  async drain(timeoutMs: number, isAlive: () => void = () => undefined): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.#pending.size > 0 && performance.now() < deadline) {
      if (this.#failure !== undefined) throw this.#failure;
      isAlive();
      await sleep(10);
    }
    return this.#pending.size === 0;
  }

  /** Gives up on what is still pending (after a failed drain), counting it per window. */
  abandon(): Map<LatencyWindow, number> {
    const left = new Map<LatencyWindow, number>();
    for (const { window } of this.#pending.values()) left.set(window, (left.get(window) ?? 0) + 1);
    this.#pending.clear();
    return left;
  }

  #settle(records: LogRecord[], now: number): void {
    for (const record of records) {
      const id = idOf(record.value);
      const pending = id === undefined ? undefined : this.#pending.get(id);
      if (!pending || id === undefined) continue; // a duplicate (at least once) or not ours
      this.#pending.delete(id);
      pending.window.decided++;
      pending.window.histogram.record(now - pending.at);
    }
  }
}

const ID_FIELD = '"id":"';

/** The decision's `id`, found without parsing the whole record: the reader must not be the bottleneck. */
export function idOf(value: Buffer | null): string | undefined {
  if (value === null) return undefined;
  const text = value.toString('utf8');
  const start = text.indexOf(ID_FIELD);
  if (start >= 0) {
    const end = text.indexOf('"', start + ID_FIELD.length);
    if (end > start) return text.slice(start + ID_FIELD.length, end);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
