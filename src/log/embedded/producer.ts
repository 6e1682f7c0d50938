import type { EventEmitter } from 'node:events';
import { FraudError } from '../../errors.ts';
import type { LogProducer, OutgoingRecord } from '../types.ts';
import type { EmbeddedStore } from './store.ts';

interface Pending {
  records: OutgoingRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sends made in the same tick are appended in one SQLite transaction (Kafka's linger,
 * without a timer): a caller firing many small sends pays for one commit, not one each.
 */
export class EmbeddedProducer implements LogProducer {
  readonly #store: EmbeddedStore;
  readonly #appended: EventEmitter;
  #pending: Pending[] = [];
  #scheduled = false;
  #closed = false;

  constructor(store: EmbeddedStore, appended: EventEmitter) {
    this.#store = store;
    this.#appended = appended;
  }

  send(records: OutgoingRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(new FraudError('FRAUD_LOG_CLOSED', 'the producer is closed'));
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ records, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  async close(): Promise<void> {
    this.#flush();
    this.#closed = true;
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    try {
      this.#store.db.transaction(() => {
        for (const pending of batch) this.#store.append(pending.records);
      }).immediate();
    } catch (cause) {
      const error = new FraudError('FRAUD_LOG_IO', 'appending to the embedded log failed', { cause, canRetry: true });
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.#appended.emit('append');
    for (const pending of batch) pending.resolve();
  }
}
