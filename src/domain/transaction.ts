import { z } from 'zod';

/**
 * A transaction as the contract defines it: the seed's four fields are required, the
 * rest optional, unknown fields kept. A message with only the seed's fields, written by
 * any Kafka client, is valid.
 */
const ISO_CURRENCY = /^[A-Z]{3}$/;
// Date.parse accepts many human formats ("March 7"); event time must be unambiguous.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** Bounds of a plausible epoch-milliseconds timestamp: 1970 to the year 3000. */
const MAX_EPOCH_MS = 32_503_680_000_000;

const text = z.string().min(1).max(256);
const optionalText = text.nullish();

export const TransactionSchema = z.looseObject({
  source: text,
  target: text,
  amount: z.number().positive().finite(),
  currency: z.string().regex(ISO_CURRENCY),
  id: optionalText,
  timestamp: z
    .union([z.string().regex(ISO_8601).refine((value) => !Number.isNaN(Date.parse(value))), z.number().int().min(0).max(MAX_EPOCH_MS)])
    .nullish(),
  channel: optionalText,
  merchant: optionalText,
  mcc: z.union([z.string().regex(/^\d{4}$/), z.number().int().min(0).max(9999)]).nullish(),
  country: z.string().regex(/^[A-Za-z]{2}$/).nullish(),
  lat: z.number().min(-90).max(90).nullish(),
  lon: z.number().min(-180).max(180).nullish(),
  device: optionalText,
  ip: optionalText,
  card: optionalText,
});

export type Transaction = z.infer<typeof TransactionSchema>;

/** The fields whose absence or type makes a record undecidable, in the order reasons name them. */
export const REQUIRED_FIELDS = ['source', 'target', 'amount', 'currency'] as const;

/** Event time of a transaction: its own timestamp, else the time it arrived in the log. */
export function eventTimeOf(transaction: Transaction, arrivalMs: number): number {
  const { timestamp } = transaction;
  if (typeof timestamp === 'number') return timestamp;
  if (typeof timestamp === 'string') return Date.parse(timestamp);
  return arrivalMs;
}
