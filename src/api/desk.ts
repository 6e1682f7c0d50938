import { IDEMPOTENT_HEADER } from '../detector/processor.ts';
import { createHash } from 'node:crypto';
import { parseTransaction } from '../domain/validation.ts';
import type { LogProducer } from '../log/types.ts';
import { describeError } from '../log/retry.ts';
import type { Logger } from '../observability/logger.ts';
import { deadLetterAnswer, errorAnswer, invalidAnswer, jsonAnswer, timeoutAnswer, unavailableAnswer } from './answers.ts';
import { IdempotencyStore, type Attempt } from './idempotency.ts';
import type { ApiMetrics, Outcome } from './metrics.ts';
import type { Replies, Reply } from './replies.ts';
import { idFromKey, ownId, randomTransactionId, withId } from './transaction-id.ts';
import type { Answer, ApiSettings } from './types.ts';

export interface DeskOptions {
  producer: LogProducer;
  replies: Replies;
  transactionsTopic: string;
  settings: ApiSettings;
  maxRecordBytes: number;
  metrics: ApiMetrics;
  logger: Logger;
  lateWaitMs: number;
  now: () => number;
}

export interface DecisionRequest {
  /** The request body as received (undefined when there was none). */
  body: Buffer | undefined;
  /** The Idempotency-Key header, when sent once. */
  idempotencyKey: string | undefined;
}

const MAX_KEY_LENGTH = 256;

/**
 * POST /v1/decisions without HTTP: validate with the detector's own validation, write the
 * transaction to the transactions topic keyed by `source` (so the partition's owner decides
 * it, with the state it holds), and wait for its decision on the output topics. The stream
 * decides; this only asks and waits. Requests with one Idempotency-Key share one attempt.
 */
export class DecisionDesk {
  readonly #options: DeskOptions;
  readonly #store: IdempotencyStore;
  #inFlight = 0;

  constructor(options: DeskOptions) {
    this.#options = options;
    this.#store = new IdempotencyStore({ capacity: options.settings.idempotencyKeys, ttlMs: options.settings.idempotencySeconds * 1000, now: options.now });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async decide(request: DecisionRequest): Promise<Answer> {
    const { settings } = this.#options;
    const parsed = parseTransaction(request.body ?? null, { maxRecordBytes: this.#options.maxRecordBytes });
    if (!parsed.ok) return this.#count('invalid', invalidAnswer(parsed.error, parsed.reason));
    if (request.idempotencyKey !== undefined && (request.idempotencyKey.length === 0 || request.idempotencyKey.length > MAX_KEY_LENGTH)) {
      return this.#count('invalid', errorAnswer(400, 'FRAUD_API_BAD_REQUEST', `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`));
    }
    const { transaction, text } = parsed;
    const key = request.idempotencyKey ?? ownId(transaction);
    const fingerprint = createHash('sha256').update(request.body ?? '').digest('base64url');
    const known = key === undefined ? undefined : this.#store.get(key);
    if (known && known.fingerprint !== fingerprint) {
      return this.#count('conflict', errorAnswer(409, 'FRAUD_API_KEY_REUSED', 'this Idempotency-Key (or transaction id) was sent before with another body'));
    }
    if (known?.answer) return this.#count('replayed', replayed(known.answer));
    if (this.#inFlight >= settings.maxInFlight) {
      return this.#count('overloaded', errorAnswer(429, 'FRAUD_API_OVERLOADED', `${this.#inFlight} requests are waiting for decisions, the limit is ${settings.maxInFlight}`, {}, { 'retry-after': '1' }));
    }
    const id = ownId(transaction) ?? (key !== undefined ? idFromKey(key) : randomTransactionId());
    const attempt = known ?? this.#start({ id, key, fingerprint, source: transaction.source, value: withId(text, transaction, id) });
    return this.#await(attempt, known !== undefined);
  }

  /** Writes the transaction and waits for its reply, longer than any request: a late decision still answers retries. */
  #start(what: { id: string; key: string | undefined; fingerprint: string; source: string; value: string }): Attempt {
    const { producer, replies, transactionsTopic, lateWaitMs, settings } = this.#options;
    const expectation = replies.expect(what.id, what.source); // before producing: the reply cannot come first
    // The header asks the detector to decide this id once, whichever API instance writes it again.
    const sent = producer.send([{ topic: transactionsTopic, key: what.source, value: what.value, headers: { [IDEMPOTENT_HEADER]: '1' } }]);
    const attempt: Attempt = { id: what.id, fingerprint: what.fingerprint, outcome: Promise.resolve(undefined), answer: undefined, timedOut: false, createdAt: this.#options.now() };
    const giveUp = (): void => {
      expectation.cancel();
      if (what.key !== undefined) this.#store.release(what.key, attempt);
    };
    attempt.outcome = (async (): Promise<Answer | undefined> => {
      try {
        await sent;
      } catch (error) {
        giveUp();
        this.#options.logger.warn({ err: describeError(error), id: what.id }, 'decision API: the transaction could not be written');
        return unavailableAnswer(settings, what.id, describeError(error));
      }
      const reply = await untilReplyOr(expectation.reply, settings.deadlineMs + lateWaitMs);
      if (reply === undefined) {
        giveUp();
        return undefined;
      }
      attempt.answer = answerFor(reply, settings, what.id);
      if (attempt.timedOut) this.#options.metrics.lateDecisions.inc();
      return attempt.answer;
    })();
    if (what.key !== undefined) this.#store.set(what.key, attempt);
    this.#options.metrics.idempotencyKeys.set(this.#store.size);
    return attempt;
  }

  async #await(attempt: Attempt, shared: boolean): Promise<Answer> {
    const { settings, metrics } = this.#options;
    this.#inFlight++;
    metrics.inFlight.inc();
    try {
      const answer = await untilReplyOr(attempt.outcome, settings.deadlineMs);
      if (answer === undefined) {
        // Told the fallback; the attempt keeps waiting, so its decision still reaches a retry.
        attempt.timedOut = true;
        return this.#count('timeout', timeoutAnswer(settings, attempt.id));
      }
      if (answer.status === 503) return this.#count('unavailable', answer);
      if (answer.status !== 200) return this.#count('failed', answer);
      return this.#count(shared ? 'replayed' : 'decided', shared ? replayed(answer) : answer);
    } finally {
      this.#inFlight--;
      metrics.inFlight.dec();
    }
  }

  #count(outcome: Outcome, answer: Answer): Answer {
    this.#options.metrics.outcomes.inc({ outcome });
    return answer;
  }
}

function answerFor(reply: Reply, settings: ApiSettings, id: string): Answer {
  if (reply.kind === 'dead-letter') return deadLetterAnswer(settings, id, reply.error, reply.reason);
  return jsonAnswer(200, reply.json);
}

/** The answer again, marked as such (the header Stripe and the IETF draft use). */
function replayed(answer: Answer): Answer {
  return { ...answer, headers: { ...answer.headers, 'idempotent-replayed': 'true' } };
}

/** The promise's value, or undefined after `ms`; the timer never holds the process open. */
function untilReplyOr<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
