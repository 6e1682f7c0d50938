import { eventTimeOf, type Transaction } from '../domain/transaction.ts';
import { parseTransaction } from '../domain/validation.ts';
import { newFeatureView, observe } from '../detector/features/extract.ts';
import { applyLabel } from '../detector/features/labels.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { DEFAULT_LIMITS, type StateLimits } from '../detector/state/limits.ts';
import { EntityStore } from '../detector/state/store.ts';
import { FeatureVectorizer, featureNames } from '../model/flatten.ts';
import type { LabelBook, TimedLabel } from './labels.ts';
import { CollectedRows, utcDay } from './rows.ts';

/** A record of the history as the log holds it: its bytes and its arrival time. */
export interface RawRecord {
  value: Buffer | null;
  timestamp: number;
}

/** A time span [since, until) in epoch milliseconds whose transactions are collected as rows. */
export interface Period {
  name: string;
  since: number;
  until: number;
}

export interface ReplayOptions {
  records: AsyncIterable<RawRecord>;
  ruleset: Ruleset;
  labels: LabelBook;
  periods: readonly Period[];
  maxRecordBytes: number;
  /** The state's bounds (the detector's defaults). */
  limits?: StateLimits;
  onProgress?: (records: number) => void;
  signal?: AbortSignal;
}

export interface ReplayResult {
  names: readonly string[];
  rows: Map<string, CollectedRows>;
  /** Day and card of every transaction labelled fraud: the known-compromised cards of the evaluation. */
  frauds: Array<{ day: string; card: string }>;
  records: number;
  /** Records the detector would dead-letter (invalid transactions). */
  invalid: number;
  labelsApplied: number;
}

/**
 * Replays a history through the detector's own feature code: each transaction is
 * validated as the detector validates it and observed into state exactly as the
 * detector observes it, so the vectors trained on are the ones the detector will score.
 * Every transaction feeds the state (history before a period warms its windows); those
 * in a period are also flattened into that period's rows.
 */
export async function replayHistory(options: ReplayOptions): Promise<ReplayResult> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  // Every transaction of the history is indexed by id, as the detector indexes them, for the labels that name only an id.
  const store = new EntityStore({ limits, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY, labelIndexDays: 3650 });
  const view = newFeatureView();
  const { ruleset } = options;
  const observeOptions = { store, limits, settings: ruleset.features, channels: ruleset.channels, lists: ruleset.lists };
  const rows = new Map<string, CollectedRows>();
  const frauds: Array<{ day: string; card: string }> = [];
  const pending = options.labels.ordered;
  let vectorizer: FeatureVectorizer | undefined;
  let nextLabel = 0;
  let records = 0;
  let invalid = 0;
  for await (const record of options.records) {
    records++;
    if ((records & 0xffff) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.(records);
    }
    const parsed = parseTransaction(record.value, { maxRecordBytes: options.maxRecordBytes });
    if (!parsed.ok) {
      invalid++;
      continue;
    }
    const tx = parsed.transaction;
    const eventTime = eventTimeOf(tx, record.timestamp);
    // Labels known by this time first (the detector's merge puts them before transactions of the same time).
    while (nextLabel < pending.length && (pending[nextLabel] as TimedLabel).knownAt <= eventTime) {
      const label = pending[nextLabel] as TimedLabel;
      applyLabel({ id: label.id, fraud: label.fraud, knownAt: label.knownAt, source: label.source }, label.knownAt, { store, transactions: store.transactions, channels: ruleset.channels });
      nextLabel++;
    }
    const features = observe(view, tx, eventTime, observeOptions);
    const id = idOf(tx, records);
    if (options.labels.has(id)) store.transactions.note(tx, id, eventTime, view.context.channel);
    vectorizer ??= new FeatureVectorizer(featureNames(features));
    const card = cardOf(tx);
    if (options.labels.fraudEver(id)) frauds.push({ day: utcDay(eventTime), card });
    const period = options.periods.find((p) => eventTime >= p.since && eventTime < p.until);
    if (!period) continue;
    let collected = rows.get(period.name);
    if (!collected) rows.set(period.name, (collected = new CollectedRows(vectorizer.width)));
    const slot = collected.next(id, card, eventTime);
    vectorizer.fill(features, slot.data, slot.offset);
  }
  options.onProgress?.(records);
  return { names: vectorizer?.names ?? [], rows, frauds, records, invalid, labelsApplied: nextLabel };
}

/** The card a transaction is paid with; the account when it names none (as the benchmark's score.py). */
export function cardOf(tx: Transaction): string {
  return typeof tx.card === 'string' && tx.card.length > 0 ? tx.card : tx.source;
}

function idOf(tx: Transaction, position: number): string {
  // Without an id a transaction cannot be labelled; a stable placeholder keeps it a row.
  return typeof tx.id === 'string' && tx.id.length > 0 ? tx.id : `#${position}`;
}
