import { EventEmitter } from 'node:events';
import { mkdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { openDatabase, type Database } from '../../util/sqlite.ts';
import { FraudError } from '../../errors.ts';
import type { ConsumerOptions, Log, LogConsumer, LogHealth, LogProducer, LogRecord, PartitionBounds, TopicPartition, TopicSpec } from '../types.ts';
import { EmbeddedConsumer } from './consumer.ts';
import { EmbeddedProducer } from './producer.ts';
import { Retention } from './retention.ts';
import { prepareDatabase } from './schema.ts';
import { EmbeddedStore } from './store.ts';

export interface EmbeddedLogOptions {
  dataDir: string;
  synchronous?: 'normal' | 'full';
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  sessionTimeoutMs?: number;
  idleCheckMs?: number;
  /** Delete records older than this (append time), as Kafka's retention.ms; unset keeps everything. */
  retentionMs?: number;
}

export const EMBEDDED_LOG_FILE = 'log.sqlite';

export function openEmbeddedLog(options: EmbeddedLogOptions): Log {
  const dir = resolve(options.dataDir);
  const file = join(dir, EMBEDDED_LOG_FILE);
  let db: Database;
  try {
    mkdirSync(dir, { recursive: true });
    db = openDatabase(file);
  } catch (cause) {
    throw new FraudError('FRAUD_LOG_IO', `cannot open the embedded log at ${file}`, { cause });
  }
  try {
    prepareDatabase(db, { synchronous: options.synchronous ?? 'normal', busyTimeoutMs: options.busyTimeoutMs ?? 10_000 });
  } catch (cause) {
    db.close();
    throw new FraudError('FRAUD_LOG_IO', `cannot open the embedded log at ${file}`, { cause });
  }
  const log = new EmbeddedLog(db, file, {
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    idleCheckMs: options.idleCheckMs ?? 5,
  });
  if (options.retentionMs !== undefined && options.retentionMs > 0) log.keepFor(options.retentionMs);
  return log;
}

interface Timings {
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  idleCheckMs: number;
}

class EmbeddedLog implements Log {
  readonly kind = 'embedded' as const;
  readonly #store: EmbeddedStore;
  readonly #file: string;
  readonly #appended = new EventEmitter().setMaxListeners(0);
  readonly #timings: Timings;
  readonly #clients = new Set<{ close(): Promise<void> }>();
  #trimTimer: NodeJS.Timeout | undefined;
  #walWatcher: FSWatcher | undefined;
  #closed = false;

  constructor(db: Database, file: string, timings: Timings) {
    this.#store = new EmbeddedStore(db);
    this.#file = file;
    this.#timings = timings;
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    this.#assertOpen();
    for (const spec of topics) {
      if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
        throw new FraudError('FRAUD_LOG_IO', `topic "${spec.name}" needs at least one partition`);
      }
      this.#store.createTopic(spec);
    }
  }

  async listTopics(): Promise<string[]> {
    this.#assertOpen();
    return this.#store.listTopics();
  }

  async partitionBounds(topic: string): Promise<PartitionBounds[]> {
    this.#assertOpen();
    return this.#store.bounds(this.#store.requireTopic(topic));
  }

  async read({ topic, partition, from, maxRecords }: TopicPartition & { from: number; maxRecords: number }): Promise<LogRecord[]> {
    this.#assertOpen();
    return this.#store.read(this.#store.requireTopic(topic), partition, from, maxRecords);
  }

  async createProducer(): Promise<LogProducer> {
    this.#assertOpen();
    return this.#track(new EmbeddedProducer(this.#store, this.#appended));
  }

  async createConsumer(options: ConsumerOptions): Promise<LogConsumer> {
    this.#assertOpen();
    this.#watchOtherProcesses();
    return this.#track(new EmbeddedConsumer(this.#store, options, { appended: this.#appended, ...this.#timings }));
  }

  async health(): Promise<LogHealth> {
    if (this.#closed) return { kind: this.kind, ok: false, detail: 'closed' };
    try {
      this.#store.db.prepare('SELECT 1').get();
      const bytes = statSync(this.#file).size;
      return { kind: this.kind, ok: true, detail: `${this.#file} (${bytes} bytes)` };
    } catch (error) {
      return { kind: this.kind, ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Trims records past retention now and then (every minute, or more often for a short retention). */
  keepFor(retentionMs: number): void {
    const retention = new Retention(this.#store.db, { retentionMs });
    const trim = (): void => {
      try {
        retention.trim();
      } catch {
        // Busy (another process writes) or closing: the next round trims what is left.
      }
    };
    trim();
    this.#trimTimer = setInterval(trim, Math.max(1000, Math.min(60_000, retentionMs / 10))).unref();
  }

  /**
   * Wakes this process's consumers when another process appends: a write of any process
   * goes to the log's WAL file, and the kernel tells of it at once (inotify on Linux).
   * Without it a consumer learnt of another process's records by polling every
   * `idleCheckMs` (5 ms), which an API in one process awaiting the detector's answer in
   * another paid twice per request. The polling stays, for file systems that report
   * nothing and for a watch that fails.
   */
  #watchOtherProcesses(): void {
    if (this.#walWatcher) return;
    const wal = `${basename(this.#file)}-wal`;
    try {
      this.#walWatcher = watch(dirname(this.#file), { persistent: false }, (_event, name) => {
        if (name === wal) this.#appended.emit('append');
      });
      this.#walWatcher.on('error', () => {
        this.#walWatcher?.close();
      });
    } catch {
      // No watch here (too many watches, an unusual file system): consumers poll.
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#trimTimer);
    this.#walWatcher?.close();
    for (const client of this.#clients) await client.close();
    this.#closed = true;
    this.#store.db.close();
  }

  #track<T extends { close(): Promise<void> }>(client: T): T {
    this.#clients.add(client);
    return client;
  }

  #assertOpen(): void {
    if (this.#closed) throw new FraudError('FRAUD_LOG_CLOSED', 'the embedded log is closed');
  }
}
