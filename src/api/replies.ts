import { readLoop, type ReaderState } from '../dashboard/read-loop.ts';
import type { Log, LogConsumer, LogRecord } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { ApiOptions } from './types.ts';

/** What the stream said about a transaction: its decision, or the dead letter it became. */
export type Reply =
  | { kind: 'decision'; json: string }
  /** The detector had decided this id before (DUPLICATE_ID): `json` is that first decision. */
  | { kind: 'duplicate'; json: string }
  | { kind: 'dead-letter'; error: string; reason: string };

export interface Expectation {
  reply: Promise<Reply>;
  /** Stops waiting (the request gave up for good); the reply, if it comes, is then ignored. */
  cancel(): void;
}

interface Waiting {
  key: string;
  resolvers: Set<(reply: Reply) => void>;
}

/** Code of the dead letter the detector writes for an id it has already decided; `original` is that decision. */
export const DUPLICATE_ID = 'DUPLICATE_ID';

/**
 * The API's one reader of the output topics (legit, fraud, dead letter), read_committed
 * and without a group: every instance sees every decision, whichever detector made it,
 * and matches it to its waiting requests by transaction id. Only records whose key (the
 * paying account) some request waits for are parsed, so the rest of the stream costs a
 * map lookup each. It starts at the end of the topics before any request is accepted.
 */
export class Replies {
  readonly #consumer: LogConsumer;
  readonly #logger: Logger;
  readonly #deadLetterTopic: string;
  readonly #waiting = new Map<string, Waiting>();
  /** Waiting requests per record key, to skip the records nobody waits for without parsing them. */
  readonly #keys = new Map<string, number>();
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #state: ReaderState = { ok: true, detail: 'starting' };

  private constructor(consumer: LogConsumer, options: Pick<ApiOptions, 'logger' | 'topics'>) {
    this.#consumer = consumer;
    this.#logger = options.logger;
    this.#deadLetterTopic = options.topics.deadLetter;
  }

  static async open(options: { log: Log } & Pick<ApiOptions, 'logger' | 'topics'>): Promise<Replies> {
    const { legit, fraud, deadLetter } = options.topics;
    const consumer = await options.log.createConsumer({ topics: [legit, fraud, deadLetter], startFrom: 'latest' });
    return new Replies(consumer, options);
  }

  get state(): ReaderState {
    return this.#state;
  }

  /** Requests waiting for a reply. */
  get waiting(): number {
    return this.#waiting.size;
  }

  start(): void {
    this.#loop ??= readLoop({
      consumer: this.#consumer,
      maxRecords: 2000,
      signal: this.#stop.signal,
      logger: this.#logger,
      what: 'decision API reader',
      onRecords: (records) => this.#settle(records),
      onState: (state) => {
        this.#state = state;
      },
    });
  }

  /** Waits for the reply to transaction `id`, whose records are keyed by `key`. Call before producing it. */
  expect(id: string, key: string): Expectation {
    let waiting = this.#waiting.get(id);
    if (!waiting) {
      waiting = { key, resolvers: new Set() };
      this.#waiting.set(id, waiting);
      this.#keys.set(key, (this.#keys.get(key) ?? 0) + 1);
    }
    const entry = waiting;
    let resolver: (reply: Reply) => void = () => undefined;
    const reply = new Promise<Reply>((resolve) => {
      resolver = resolve;
    });
    entry.resolvers.add(resolver);
    return {
      reply,
      cancel: () => {
        entry.resolvers.delete(resolver);
        if (entry.resolvers.size === 0 && this.#waiting.get(id) === entry) this.#forget(id, entry);
      },
    };
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#consumer.close();
  }

  #settle(records: LogRecord[]): void {
    for (const record of records) {
      if (record.value === null || !this.#keys.has(record.key?.toString('utf8') ?? '')) continue;
      const found = record.topic === this.#deadLetterTopic ? fromDeadLetter(record.value) : fromDecision(record.value);
      if (!found) continue;
      const waiting = this.#waiting.get(found.id);
      if (!waiting) continue;
      this.#forget(found.id, waiting);
      for (const resolve of waiting.resolvers) resolve(found.reply);
    }
  }

  #forget(id: string, waiting: Waiting): void {
    this.#waiting.delete(id);
    const left = (this.#keys.get(waiting.key) ?? 1) - 1;
    if (left > 0) this.#keys.set(waiting.key, left);
    else this.#keys.delete(waiting.key);
  }
}

function fromDecision(value: Buffer): { id: string; reply: Reply } | undefined {
  const json = value.toString('utf8');
  const id = idIn(parse(json));
  return id === undefined ? undefined : { id, reply: { kind: 'decision', json } };
}

/** A dead letter's id is in its payload (the transaction as produced); DUPLICATE_ID carries the first decision too. */
function fromDeadLetter(value: Buffer): { id: string; reply: Reply } | undefined {
  const letter = parse(value.toString('utf8'));
  if (letter === undefined || typeof letter.payload !== 'string' || letter.payloadEncoding === 'base64') return undefined;
  // A payload cut to the size limit is no longer JSON: its id is looked for as text.
  const id = letter.payloadTruncated === true ? ID_IN_TEXT.exec(letter.payload)?.[1] : idIn(parse(letter.payload));
  if (id === undefined) return undefined;
  const error = typeof letter.error === 'string' ? letter.error : 'UNKNOWN';
  if (error === DUPLICATE_ID && letter.original !== undefined && letter.original !== null) {
    const original = typeof letter.original === 'string' ? letter.original : JSON.stringify(letter.original);
    return { id, reply: { kind: 'duplicate', json: original } };
  }
  return { id, reply: { kind: 'dead-letter', error, reason: typeof letter.reason === 'string' ? letter.reason : '' } };
}

const ID_IN_TEXT = /"id"\s*:\s*"((?:[^"\\]|\\.)*)"/;

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function idIn(value: Record<string, unknown> | undefined): string | undefined {
  return typeof value?.id === 'string' ? value.id : undefined;
}
