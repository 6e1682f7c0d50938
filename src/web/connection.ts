import { toEvidence, toReview, type Evidence, type Review } from './analyst-types.ts';
import { parseObject, toDeadLetter, toDecision, toHello, toStats, type Entry, type Hello, type Stats } from './messages.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
  onHello: (hello: Hello) => void;
  onEntry: (entry: Entry) => void;
  onStats: (stats: Stats) => void;
  onState: (state: ConnectionState) => void;
  /** Right after a flagged decision: the values behind each rule that fired. */
  onEvidence: (evidence: Evidence) => void;
  /** An analyst's verdict, from this page or another. */
  onReview: (review: Review) => void;
}

/** No event for this long (stats arrive every second) means the stream is dead even if the socket is not. */
const STALE_MS = 15_000;
const RETRY_MS = 3_000;

/**
 * The page's one live stream. EventSource reconnects by itself after a network error
 * (sending Last-Event-ID, so the server resumes); after an HTTP error it gives up, so
 * a new one is opened here, and the same when the stream falls silent.
 */
export class LiveStream {
  readonly #url: string;
  readonly #handlers: StreamHandlers;
  #source: EventSource | undefined;
  #lastEventAt = 0;
  #retryTimer: number | undefined;

  constructor(url: string, handlers: StreamHandlers) {
    this.#url = url;
    this.#handlers = handlers;
    window.setInterval(() => this.#watch(), 2_000);
  }

  open(): void {
    this.#source?.close();
    const source = new EventSource(this.#url);
    this.#source = source;
    this.#lastEventAt = Date.now();
    source.addEventListener('open', () => this.#handlers.onState('live'));
    source.addEventListener('error', () => this.#onError(source));
    source.addEventListener('hello', (event) => this.#data(event, (raw) => this.#handlers.onHello(toHello(raw))));
    source.addEventListener('decision', (event) =>
      this.#data(event, (raw) => {
        const entry = toDecision(raw);
        if (entry) this.#handlers.onEntry(entry);
      }),
    );
    source.addEventListener('dead-letter', (event) => this.#data(event, (raw) => this.#handlers.onEntry(toDeadLetter(raw))));
    source.addEventListener('evidence', (event) => this.#data(event, (raw) => this.#handlers.onEvidence(toEvidence(raw))));
    source.addEventListener('feedback', (event) =>
      this.#data(event, (raw) => {
        const review = toReview(raw);
        if (review) this.#handlers.onReview(review);
      }),
    );
    source.addEventListener('stats', (event) =>
      this.#data(event, (raw) => {
        const stats = toStats(raw);
        if (stats) this.#handlers.onStats(stats);
      }),
    );
  }

  #data(event: Event, handle: (raw: Record<string, unknown>) => void): void {
    this.#lastEventAt = Date.now();
    if (!(event instanceof MessageEvent) || typeof event.data !== 'string') return;
    const raw = parseObject(event.data);
    if (raw) handle(raw);
  }

  #onError(source: EventSource): void {
    if (source !== this.#source) return;
    this.#handlers.onState('reconnecting');
    if (source.readyState === EventSource.CLOSED) this.#scheduleReopen();
  }

  #scheduleReopen(): void {
    if (this.#retryTimer !== undefined) return;
    this.#retryTimer = window.setTimeout(() => {
      this.#retryTimer = undefined;
      this.open();
    }, RETRY_MS);
  }

  #watch(): void {
    if (this.#source?.readyState === EventSource.OPEN && Date.now() - this.#lastEventAt > STALE_MS) {
      this.#handlers.onState('reconnecting');
      this.#source.close();
      this.#scheduleReopen();
    }
  }
}
