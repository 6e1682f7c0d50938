import { z } from 'zod';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const time = z.union([z.string().regex(ISO_8601).refine((value) => !Number.isNaN(Date.parse(value))), z.number().int().min(0).max(32_503_680_000_000)]);
const text = z.string().min(1).max(256);

/**
 * A label: the truth about one transaction, as it becomes known (a chargeback, an
 * analyst's verdict), keyed by transaction id on the labels topic. `knownAt` is when it
 * became known: a decision at event time t uses only labels known by t. The optional
 * fields name the transaction's parties, for labels of transactions the detector no
 * longer indexes (or never saw); without them the detector finds them by id.
 */
export const LabelSchema = z.looseObject({
  id: text,
  fraud: z.boolean(),
  knownAt: time,
  source: text,
  /** When the labelled transaction happened (its event time). */
  timestamp: time.optional(),
  account: text.optional(),
  card: text.optional(),
  /** The transaction's target: its merchant, or its payee for a transfer. */
  target: text.optional(),
  channel: text.optional(),
  device: text.optional(),
  ip: text.optional(),
});

export type Label = z.infer<typeof LabelSchema>;

export type LabelParse = { ok: true; label: Label; knownAt: number } | { ok: false; reason: string };

/** A labels-topic record as a label, or why it is not one. */
export function parseLabel(value: Buffer | null): LabelParse {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty record' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = LabelSchema.safeParse(parsed);
  if (!result.success) return { ok: false, reason: result.error.issues.map((issue) => `${issue.path.join('.') || 'label'}: ${issue.message}`).join('; ') };
  return { ok: true, label: result.data, knownAt: epochMs(result.data.knownAt) };
}

export function epochMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
