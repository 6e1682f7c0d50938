import type { OutgoingRecord } from '../log/types.ts';

/** One transaction to produce, with anything that travels with it (its label, for scenarios). */
export interface ProducerItem {
  /** Position in the stream, from 0. */
  index: number;
  /** When it is due, in milliseconds from the start of the stream (live traffic: its event time); absent means spaced by the rate. */
  dueMs?: number;
  records: OutgoingRecord[];
  /** What `--verbose` prints for it. */
  display: string;
}
