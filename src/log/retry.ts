import { isFraudError } from '../errors.ts';

/**
 * Errors worth waiting out: the broker is away or restarting, a request timed out, a
 * leader or coordinator is moving. The adapters mark them `canRetry`. Fencing is not one
 * of them: it has its own handling (the batch is left to the partition's new owner).
 */
export function isTransientLogError(error: unknown): boolean {
  return isFraudError(error) && error.canRetry && error.code !== 'FRAUD_LOG_FENCED';
}

/** One line for a log message, without the stack. */
export function describeError(error: unknown): string {
  if (isFraudError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Exponential backoff from `initialMs` to `maxMs`, each wait drawn from its upper half:
 * many clients waiting for one broker to come back do not all knock at the same moment.
 */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  #attempts = 0;

  constructor(options: { initialMs?: number; maxMs?: number } = {}) {
    this.#initialMs = options.initialMs ?? 200;
    this.#maxMs = options.maxMs ?? 5_000;
  }

  /** Attempts failed since the last success. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The wait before the next attempt; counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** this.#attempts);
    this.#attempts++;
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  reset(): void {
    this.#attempts = 0;
  }
}
