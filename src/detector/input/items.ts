import { eventTimeOf } from '../../domain/transaction.ts';
import { parseTransaction } from '../../domain/validation.ts';
import type { LogRecord } from '../../log/types.ts';
import type { InputItem } from './merged-input.ts';

/** Records as input items, parsed once, in the order given (a backtest, a test, a pool of decisions). */
export function itemsOf(records: readonly LogRecord[], maxRecordBytes: number, decide = true): InputItem[] {
  return records.map((record) => {
    const parsed = parseTransaction(record.value, { maxRecordBytes });
    return { record, parsed, eventTime: parsed.ok ? eventTimeOf(parsed.transaction, record.timestamp) : record.timestamp, decide };
  });
}
