import { parseLabel, type Label } from '../domain/label.ts';
import type { Log } from '../log/types.ts';
import { LabelBook, readLabelsFile, type TimedLabel } from '../train/labels.ts';

/** The labels of a backtest: folded into the features as they become known, and the truth its figures are scored on. */
export interface BacktestLabels {
  /** By knownAt, as the detector's merge hands them out (before the transactions of the same time). */
  ordered: Array<{ label: Label; knownAt: number }>;
  book: LabelBook;
  /** Records that say which transaction was fraud but not when that became known (the generator's scenario labels): truth for the figures only, never folded into the features, as the detector ignores them. */
  truthOnly: number;
}

export const NO_LABELS: BacktestLabels = { ordered: [], book: new LabelBook([]), truthOnly: 0 };

/** A labels file (JSON lines of the contract's label): a bad line fails with its line number. */
export async function labelsFromFile(path: string): Promise<BacktestLabels> {
  const book = await readLabelsFile(path);
  return { ordered: book.ordered.map((label) => ({ label: { ...label }, knownAt: label.knownAt })), book, truthOnly: 0 };
}

const READ_BATCH = 5000;

/**
 * Every label of the labels topic, read outside any group. Records that are not labels
 * are passed over, as the detector passes them over; the parties a label carries are kept
 * (the detector uses them for transactions it no longer indexes).
 */
export async function labelsFromTopic(log: Log, topic: string): Promise<BacktestLabels> {
  const ordered: BacktestLabels['ordered'] = [];
  const truth: TimedLabel[] = [];
  for (const bounds of await log.partitionBounds(topic)) {
    for (let from = bounds.start; from < bounds.end; ) {
      const records = await log.read({ topic, partition: bounds.partition, from, maxRecords: READ_BATCH });
      if (records.length === 0) break;
      for (const record of records) {
        const parsed = parseLabel(record.value);
        if (parsed.ok) ordered.push({ label: parsed.label, knownAt: parsed.knownAt });
        else {
          const known = truthOf(record.value);
          if (known) truth.push(known);
        }
      }
      from = (records[records.length - 1]?.offset ?? from) + 1;
    }
  }
  ordered.sort((a, b) => a.knownAt - b.knownAt || (a.label.id < b.label.id ? -1 : a.label.id > b.label.id ? 1 : 0));
  const timed: TimedLabel[] = ordered.map(({ label, knownAt }) => ({ id: label.id, fraud: label.fraud, knownAt, source: label.source }));
  return { ordered, book: new LabelBook([...timed, ...truth]), truthOnly: truth.length };
}

/** `{ "id", "fraud" }` without a knownAt: the truth, known after the whole history (knownAt +Infinity). */
function truthOf(value: Buffer | null): TimedLabel | undefined {
  try {
    const parsed: unknown = JSON.parse(String(value));
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { id, fraud, scenario } = parsed as { id?: unknown; fraud?: unknown; scenario?: unknown };
    if (typeof id !== 'string' || id.length === 0 || typeof fraud !== 'boolean') return undefined;
    return { id, fraud, knownAt: Number.POSITIVE_INFINITY, source: typeof scenario === 'string' ? `scenario:${scenario}` : 'truth' };
  } catch {
    return undefined;
  }
}
