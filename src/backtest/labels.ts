import { parseLabel, type Label } from '../domain/label.ts';
import type { Log } from '../log/types.ts';
import { LabelBook, readLabelsFile, type TimedLabel } from '../train/labels.ts';

/** The labels of a backtest: folded into the features as they become known, and the truth its figures are scored on. */
export interface BacktestLabels {
  /** By knownAt, as the detector's merge hands them out (before the transactions of the same time). */
  ordered: Array<{ label: Label; knownAt: number }>;
  book: LabelBook;
}

export const NO_LABELS: BacktestLabels = { ordered: [], book: new LabelBook([]) };

/** A labels file (JSON lines of the contract's label): a bad line fails with its line number. */
export async function labelsFromFile(path: string): Promise<BacktestLabels> {
  const book = await readLabelsFile(path);
  return { ordered: book.ordered.map((label) => ({ label: { ...label }, knownAt: label.knownAt })), book };
}

const READ_BATCH = 5000;

/**
 * Every label of the labels topic, read outside any group. Records that are not labels
 * are passed over, as the detector passes them over; the parties a label carries are kept
 * (the detector uses them for transactions it no longer indexes).
 */
export async function labelsFromTopic(log: Log, topic: string): Promise<BacktestLabels> {
  const ordered: BacktestLabels['ordered'] = [];
  for (const bounds of await log.partitionBounds(topic)) {
    for (let from = bounds.start; from < bounds.end; ) {
      const records = await log.read({ topic, partition: bounds.partition, from, maxRecords: READ_BATCH });
      if (records.length === 0) break;
      for (const record of records) {
        const parsed = parseLabel(record.value);
        if (parsed.ok) ordered.push({ label: parsed.label, knownAt: parsed.knownAt });
      }
      from = (records[records.length - 1]?.offset ?? from) + 1;
    }
  }
  ordered.sort((a, b) => a.knownAt - b.knownAt || (a.label.id < b.label.id ? -1 : a.label.id > b.label.id ? 1 : 0));
  const timed: TimedLabel[] = ordered.map(({ label, knownAt }) => ({ id: label.id, fraud: label.fraud, knownAt, source: label.source }));
  return { ordered, book: new LabelBook(timed) };
}
