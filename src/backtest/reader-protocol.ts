import type { DeadLetterCode } from '../domain/dead-letter.ts';

/** What the reader thread is asked to read. */
export interface ReaderRequest {
  topic: string;
  maxRecordBytes: number;
}

/** Records per batch, and batches the reader may have in flight before the main thread asks for more. */
export const BATCH_RECORDS = 4096;
export const CREDITS = 4;

/** A batch of the merged history, column by column (the typed arrays are transferred, not copied). */
export interface HistoryBatch {
  count: number;
  /** The record's text when it is a valid transaction, else why the detector would dead-letter it. */
  texts: Array<string | { error: DeadLetterCode; reason: string }>;
  eventTimes: Float64Array;
  partitions: Int32Array;
  offsets: Float64Array;
  idempotent: Uint8Array;
  /** The last batch. */
  done: boolean;
}
