import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { FraudError } from '../errors.ts';

/** A label as the contract defines it: the truth about one transaction, and when it became known. */
export const LabelSchema = z.object({
  id: z.string().min(1),
  fraud: z.boolean(),
  knownAt: z.union([z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date'), z.number().int().min(0)]),
  source: z.string().min(1),
});
export type Label = z.infer<typeof LabelSchema>;

/** A label with its time as epoch milliseconds. */
export interface TimedLabel {
  id: string;
  fraud: boolean;
  knownAt: number;
  source: string;
}

const MAX_PROBLEMS = 10;

/**
 * Every label of a history, by transaction and in order of `knownAt`. A transaction may
 * have several (an analyst's verdict, then a chargeback): the one in force at a time is
 * the latest known by then.
 */
export class LabelBook {
  readonly #byId = new Map<string, TimedLabel[]>();
  /** All labels by knownAt, for delivering them to the features as time passes. */
  readonly ordered: TimedLabel[];

  constructor(labels: Iterable<TimedLabel>) {
    const all = [...labels].sort((a, b) => a.knownAt - b.knownAt);
    for (const label of all) {
      const list = this.#byId.get(label.id);
      if (list) list.push(label);
      else this.#byId.set(label.id, [label]);
    }
    this.ordered = all;
  }

  get size(): number {
    return this.ordered.length;
  }

  /** Whether the transaction is fraud by what was known at `at` (epoch ms); no label known then means legit. */
  fraudAsOf(id: string, at: number): boolean {
    const list = this.#byId.get(id);
    if (!list) return false;
    let fraud = false;
    for (const label of list) {
      if (label.knownAt > at) break;
      fraud = label.fraud;
    }
    return fraud;
  }

  /** Whether any label names the transaction. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The latest truth about the transaction, whenever it became known. */
  fraudEver(id: string): boolean {
    const list = this.#byId.get(id);
    return list ? (list[list.length - 1] as TimedLabel).fraud : false;
  }
}

export function timedLabel(label: Label): TimedLabel {
  return { id: label.id, fraud: label.fraud, knownAt: typeof label.knownAt === 'number' ? label.knownAt : Date.parse(label.knownAt), source: label.source };
}

/** Reads a labels file (JSON lines of the contract's label); a bad line fails the read with its line number. */
export async function readLabelsFile(path: string): Promise<LabelBook> {
  const input = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (cause: Error) => reject(new FraudError('FRAUD_INPUT_FILE', `cannot read the labels file ${path}`, { cause })));
  });
  const labels: TimedLabel[] = [];
  const problems: string[] = [];
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++;
    const text = line.trim();
    if (text.length === 0) continue;
    const problem = parseLabelLine(text, labels);
    if (problem && problems.length < MAX_PROBLEMS) problems.push(`line ${lineNumber}: ${problem}`);
  }
  if (problems.length > 0) {
    throw new FraudError('FRAUD_LABELS_INVALID', `${path} has invalid labels (contract: {"id","fraud","knownAt","source"} per line)`, { problems });
  }
  return new LabelBook(labels);
}

function parseLabelLine(text: string, into: TimedLabel[]): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const parsed = LabelSchema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'label'}: ${issue.message}`).join(', ');
  into.push(timedLabel(parsed.data));
  return undefined;
}
