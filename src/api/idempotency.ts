import { BoundedMap } from '../util/bounded-map.ts';
import type { Answer } from './types.ts';

/** One request's transaction on its way through the log, shared by every request with its key. */
export interface Attempt {
  id: string;
  /** SHA-256 of the request body: a key sent again with another body is refused (409). */
  fingerprint: string;
  /** Resolves with the final answer, or undefined when none came (not written, or no decision within the late wait). */
  outcome: Promise<Answer | undefined>;
  /** Set once the outcome is known: later requests with the key get it at once. */
  answer: Answer | undefined;
  /** Some request of this attempt was answered with the fallback before the decision came. */
  timedOut: boolean;
  createdAt: number;
}

export interface IdempotencyOptions {
  capacity: number;
  ttlMs: number;
  now: () => number;
}

/**
 * Idempotency keys of this API instance and what became of them: in flight (await the
 * attempt) or answered (answer again). Bounded in count, the oldest forgotten first, and
 * in time: past `ttlMs` a key is new again. A forgotten key is not a second decision by
 * itself: its retry carries the same transaction id, which the detector recognises.
 */
export class IdempotencyStore {
  readonly #items: BoundedMap<string, Attempt>;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: IdempotencyOptions) {
    this.#items = new BoundedMap(options.capacity);
    this.#ttlMs = options.ttlMs;
    this.#now = options.now;
  }

  get(key: string): Attempt | undefined {
    const attempt = this.#items.get(key);
    if (attempt && this.#now() - attempt.createdAt > this.#ttlMs) {
      this.#items.delete(key);
      return undefined;
    }
    return attempt;
  }

  set(key: string, attempt: Attempt): void {
    this.#items.set(key, attempt);
  }

  /** Forgets the key, unless it now belongs to a newer attempt. */
  release(key: string, attempt: Attempt): void {
    if (this.#items.get(key) === attempt) this.#items.delete(key);
  }

  get size(): number {
    return this.#items.size;
  }
}
