import type { Transaction } from '../../domain/transaction.ts';
import { ChannelClass } from '../features/channels.ts';
import { DAY_MS } from './limits.ts';

/** What a label needs of its transaction: when it happened and who took part. */
export interface IndexedTransaction {
  eventTime: number;
  account: string;
  card: string | undefined;
  target: string;
  transfer: boolean;
  device: string | undefined;
  ip: string | undefined;
  /** Its decision, when this detector made it for a record that asked to be decided once (the decision API's). */
  decision: string | undefined;
}

/** Where the index's entries live between checkpoints: the local store's `tx` table. */
export interface TxIndexStore {
  getTransaction(id: string): Buffer | undefined;
}

const VERSION = 2;

/**
 * Transactions by id, for the labels that name only an id: a label becomes known days or
 * weeks after its transaction, and the entities it concerns (the card, the merchant, the
 * device, the ip) are found here. Kept `horizonDays` of event time; entries written at
 * each checkpoint with the entities, so the index is of the same input position as the
 * state. Not in the changelog: a detector restored on a new machine resolves labels of
 * transactions it has seen since, and those that carry their own parties.
 */
export class TxIndex {
  readonly #dirty = new Map<string, Buffer>();
  /** Flushed into checkpoints not yet durable (by their version): still read from here. */
  #pending: Array<{ version: number; entries: Map<string, Buffer> }> = [];
  readonly #store: TxIndexStore | undefined;
  readonly #horizonMs: number;

  constructor(store: TxIndexStore | undefined, horizonDays: number) {
    this.#store = store;
    this.#horizonMs = horizonDays * DAY_MS;
  }

  get enabled(): boolean {
    return this.#horizonMs > 0;
  }

  note(tx: Transaction, id: string, eventTime: number, channel: ChannelClass, decision?: string): void {
    if (!this.enabled) return;
    this.#dirty.set(id, encode(tx, eventTime, channel, decision));
  }

  /** The transaction if indexed and not older than the horizon at `now`. */
  find(id: string, now: number): IndexedTransaction | undefined {
    const bytes = this.#dirty.get(id) ?? this.#fromPending(id) ?? this.#store?.getTransaction(id);
    if (!bytes) return undefined;
    const indexed = decode(bytes);
    return indexed && now - indexed.eventTime <= this.#horizonMs ? indexed : undefined;
  }

  /** The entries since the last checkpoint, for checkpoint `version`. */
  flush(version: number): Array<readonly [string, Buffer]> {
    const entries = [...this.#dirty];
    if (entries.length > 0) this.#pending.push({ version, entries: new Map(this.#dirty) });
    this.#dirty.clear();
    return entries;
  }

  /** Checkpoint `version` is durable: the store answers for what it held now. */
  saved(version: number): void {
    this.#pending = this.#pending.filter((pending) => pending.version > version);
  }

  /** Back to the last checkpoint: what was noted since is noted again as the input is replayed. */
  rewind(): void {
    this.#dirty.clear();
    this.#pending = [];
  }

  #fromPending(id: string): Buffer | undefined {
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const bytes = this.#pending[i]?.entries.get(id);
      if (bytes) return bytes;
    }
    return undefined;
  }
}

function encode(tx: Transaction, eventTime: number, channel: ChannelClass, decision = ''): Buffer {
  const parts = [tx.source, str(tx.card), tx.target, str(tx.device), str(tx.ip), decision].map((value) => Buffer.from(value, 'utf8'));
  const size = 1 + 8 + 1 + parts.reduce((sum, part) => sum + 2 + part.length, 0);
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt8(VERSION, 0);
  at = out.writeDoubleLE(eventTime, at);
  at = out.writeUInt8(channel, at);
  for (const part of parts) {
    at = out.writeUInt16LE(part.length, at);
    at += part.copy(out, at);
  }
  return out;
}

function decode(bytes: Buffer): IndexedTransaction | undefined {
  if (bytes.length < 10 || bytes.readUInt8(0) !== VERSION) return undefined;
  const eventTime = bytes.readDoubleLE(1);
  const channel = bytes.readUInt8(9);
  let at = 10;
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) {
    const length = bytes.readUInt16LE(at);
    at += 2;
    parts.push(bytes.toString('utf8', at, at + length));
    at += length;
  }
  const [account = '', card = '', target = '', device = '', ip = '', decision = ''] = parts;
  return { eventTime, account, card: card || undefined, target, transfer: channel === ChannelClass.TRANSFER, device: device || undefined, ip: ip || undefined, decision: decision || undefined };
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
