import { decidedJson, derivedId, type Decision } from '../domain/decision.ts';
import { toDeadLetter, type DeadLetter, type DeadLetterCode } from '../domain/dead-letter.ts';
import type { Transaction } from '../domain/transaction.ts';
import type { LogRecord, OutgoingRecord, PartitionPosition } from '../log/types.ts';
import { newFeatureView, observe, type FeatureView } from './features/extract.ts';
import { applyLabel } from './features/labels.ts';
import { gradedDecision, ModelContext } from './model/decide.ts';
import type { LoadedModel } from './model/loaded.ts';
import type { Features } from './features/types.ts';
import type { InputItem } from './input/merged-input.ts';
import { evaluateRules, type RuleOutcome } from './rules/engine.ts';
import type { Ruleset } from './rules/ruleset.ts';
import type { StateLimits } from './state/limits.ts';
import type { EntityStore } from './state/store.ts';

export interface OutputTopics {
  legit: string;
  fraud: string;
  deadLetter: string;
}

export interface ProcessorOptions {
  topics: OutputTopics;
  maxRecordBytes: number;
  /** The ruleset in force; read per batch so a reload applies from the next batch on. */
  ruleset: () => Ruleset;
  /** Wall clock, for `decidedAt`; injected so tests can fix it. */
  now: () => number;
  /** Every entity's state, the features are computed from. */
  store: EntityStore;
  limits: StateLimits;
  /** The model in force, if any; read per batch, like the ruleset. */
  model?: () => LoadedModel | undefined;
}

/** Header carrying the input record's log timestamp, so readers can measure end-to-end latency. */
export const INPUT_TIMESTAMP_HEADER = 'fraud-input-timestamp';
/** Header on flagged decisions: for each rule that fired, the values its expression read. */
export const EVIDENCE_HEADER = 'fraud-evidence';
/** Header listing the shadow rules that fired (JSON array of ids): counted, never part of the verdict. */
export const SHADOW_HEADER = 'fraud-shadow';
/**
 * Header of a transaction to be decided once by its id (the decision API writes it): a
 * second record of the same id, a client's retry through another API instance, goes to
 * the dead letter as DUPLICATE_ID with the first decision, and changes no state.
 */
export const IDEMPOTENT_HEADER = 'fraud-idempotent';

export type ProcessedRecord =
  | {
      kind: 'decision';
      record: LogRecord;
      /** The input transaction, as received (its `id` may be missing: see `id`). */
      transaction: Transaction;
      /** The transaction's id, or the one derived from where it was read. */
      id: string;
      decision: Decision;
      /** The decided transaction as it is written to the output topic. */
      json: string;
      outcomes: RuleOutcome[];
      /** For each live rule that fired, the values its expression read (flagged decisions only). */
      evidence: Evidence | undefined;
    }
  | { kind: 'dead-letter'; record: LogRecord; deadLetter: DeadLetter };

export interface BatchResult {
  outputs: OutgoingRecord[];
  /** Next offset to read per partition: what to commit with the outputs. */
  positions: PartitionPosition[];
  processed: ProcessedRecord[];
  /** Labels of the batch: applied to their transaction's entities, of a transaction not found, or not labels. */
  labels: { applied: number; unknown: number; invalid: number };
}

/**
 * Consume → decide → produce, without the I/O: turns a batch of input records into
 * exactly one output record each (a decision or a dead letter) and the positions to
 * commit with them. Never throws on input.
 */
export class BatchProcessor {
  readonly #options: ProcessorOptions;
  readonly #view: FeatureView = newFeatureView();
  readonly #modelContext = new ModelContext(this.#view.features);

  constructor(options: ProcessorOptions) {
    this.#options = options;
  }

  /**
   * Applies every item to the state, in order, and decides those to decide: one output
   * record each (a decision or a dead letter) and, per decided partition, the position to
   * commit with them. The others (partitions another detector decides, or records decided
   * before a restart) change the state only, as they did when they were decided.
   */
  process(items: InputItem[]): BatchResult {
    const ruleset = this.#options.ruleset();
    const model = this.#options.model?.();
    const decidedAt = new Date(this.#options.now()).toISOString();
    const outputs: OutgoingRecord[] = [];
    const processed: ProcessedRecord[] = [];
    const decided: LogRecord[] = [];
    const labels = { applied: 0, unknown: 0, invalid: 0 };
    const { store } = this.#options;
    for (const item of items) {
      if (item.label) {
        store.at(item.record.partition, item.record.offset, true);
        this.#label(item, ruleset, labels);
        continue;
      }
      store.at(item.record.partition, item.record.offset);
      const duplicate = this.#duplicateOf(item);
      if (!item.decide) {
        if (item.parsed.ok && duplicate === undefined) this.#features(item, item.parsed.transaction, ruleset);
        continue;
      }
      if (duplicate !== undefined) {
        const result = this.#duplicate(item, duplicate);
        processed.push(result);
        outputs.push(this.#toOutput(result));
        decided.push(item.record);
        continue;
      }
      const result = this.#processOne(item, ruleset, model, decidedAt);
      processed.push(result);
      outputs.push(this.#toOutput(result));
      decided.push(item.record);
    }
    return { outputs, positions: nextPositions(decided), processed, labels };
  }

  /**
   * A record that asks to be decided once whose id is already indexed: the first one's
   * decision (a string, possibly empty when another detector made it); else undefined.
   */
  #duplicateOf(item: InputItem): string | undefined {
    if (item.record.headers[IDEMPOTENT_HEADER] === undefined || !item.parsed.ok) return undefined;
    const id = item.parsed.transaction.id;
    if (typeof id !== 'string' || id.length === 0) return undefined;
    const { store } = this.#options;
    const seen = store.transactions.find(id, item.eventTime);
    if (!seen) return undefined;
    // A record decided late (its partition came from a detector behind this one) was applied
    // here before, as a follower: the entry without a decision is its own, not a first record.
    if (seen.decision === undefined && store.appliedAlready(item.record.partition, item.record.offset)) return undefined;
    return seen.decision ?? '';
  }

  #duplicate(item: InputItem, decision: string): ProcessedRecord {
    const { record, parsed } = item;
    const letter = toDeadLetter(record, { error: 'DUPLICATE_ID', reason: 'this transaction id was decided before: the first decision stands' }, this.#options.maxRecordBytes);
    if (parsed.ok && decision.length > 0) {
      const fallbackId = derivedId(record.topic, record.partition, record.offset);
      letter.original = decidedJson(parsed.text, parsed.transaction, JSON.parse(decision) as Decision, fallbackId);
    } else {
      letter.original = null;
    }
    return { kind: 'dead-letter', record, deadLetter: letter };
  }

  #label(item: InputItem, ruleset: Ruleset, counts: BatchResult['labels']): void {
    const label = item.label;
    if (!label?.ok) {
      counts.invalid++;
      return;
    }
    const { store } = this.#options;
    const outcome = applyLabel(label.label, label.knownAt, { store, transactions: store.transactions, channels: ruleset.channels });
    if (outcome === 'applied') counts.applied++;
    else counts.unknown++;
  }

  #processOne(item: InputItem, ruleset: Ruleset, model: LoadedModel | undefined, decidedAt: string): ProcessedRecord {
    const { record, parsed } = item;
    if (!parsed.ok) return this.#deadLetter(record, parsed.error, parsed.reason);
    try {
      return this.#decide(item, parsed, ruleset, model, decidedAt);
    } catch (error) {
      // A bug of ours must not stop the stream either: the record is kept, with why.
      return this.#deadLetter(record, 'DECIDE_FAILED', error instanceof Error ? error.message : String(error));
    }
  }

  #decide(item: InputItem, parsed: { transaction: Transaction; text: string }, ruleset: Ruleset, model: LoadedModel | undefined, decidedAt: string): ProcessedRecord {
    const { record } = item;
    const { transaction } = parsed;
    this.#features(item, transaction, ruleset);
    // Rules read the model's probability as `f.model.score` (0, and `loaded` false, without one).
    const probability = this.#modelContext.score(model);
    const features = this.#modelContext.f;
    const evaluation = evaluateRules(ruleset, { tx: transaction, f: features });
    const decision: Decision = model
      ? gradedDecision(evaluation, probability, model, ruleset, decidedAt)
      : { verdict: evaluation.verdict, score: evaluation.score, reasons: evaluation.reasons, rules: ruleset.version, decidedAt };
    const fallbackId = derivedId(record.topic, record.partition, record.offset);
    if (record.headers[IDEMPOTENT_HEADER] !== undefined && this.#options.store.transactions.enabled && typeof transaction.id === 'string') {
      this.#options.store.transactions.note(transaction, transaction.id, item.eventTime, this.#view.context.channel, JSON.stringify(decision));
    }
    return {
      kind: 'decision',
      record,
      transaction,
      id: typeof transaction.id === 'string' && transaction.id.length > 0 ? transaction.id : fallbackId,
      decision,
      json: decidedJson(parsed.text, transaction, decision, fallbackId),
      outcomes: evaluation.outcomes,
      // Now, while `features` still describes this transaction (the view is reused for the next).
      evidence: decision.verdict === 'legit' ? undefined : evidenceOf(decision, ruleset, { tx: transaction, f: features }),
    };
  }

  #features(item: InputItem, transaction: Transaction, ruleset: Ruleset): Features {
    const { store, limits } = this.#options;
    const features = observe(this.#view, transaction, item.eventTime, { store, limits, settings: ruleset.features, channels: ruleset.channels, lists: ruleset.lists });
    if (store.transactions.enabled) {
      const { record } = item;
      const id = typeof transaction.id === 'string' && transaction.id.length > 0 ? transaction.id : derivedId(record.topic, record.partition, record.offset);
      store.transactions.note(transaction, id, item.eventTime, this.#view.context.channel);
    }
    return features;
  }

  #deadLetter(record: LogRecord, error: DeadLetterCode, reason: string): ProcessedRecord {
    return { kind: 'dead-letter', record, deadLetter: toDeadLetter(record, { error, reason }, this.#options.maxRecordBytes) };
  }

  #toOutput(result: ProcessedRecord): OutgoingRecord {
    const { topics } = this.#options;
    const headers: Record<string, string> = { [INPUT_TIMESTAMP_HEADER]: String(result.record.timestamp) };
    if (result.kind === 'dead-letter') {
      return { topic: topics.deadLetter, key: result.record.key, value: JSON.stringify(result.deadLetter), headers };
    }
    const { verdict } = result.decision;
    if (result.evidence) headers[EVIDENCE_HEADER] = JSON.stringify(result.evidence);
    const shadowHits = result.outcomes.filter((outcome) => outcome.shadow && outcome.outcome === 'hit').map((outcome) => outcome.rule);
    if (shadowHits.length > 0) headers[SHADOW_HEADER] = JSON.stringify(shadowHits);
    const topic = verdict === 'legit' ? topics.legit : topics.fraud;
    return { topic, key: result.record.key, value: result.json, headers };
  }
}

export type Evidence = Record<string, Record<string, unknown>>;

/** For each live rule that fired, the feature and field values its expression reads. */
function evidenceOf(decision: Decision, ruleset: Ruleset, context: { tx: Transaction; f: Features }): Evidence {
  const evidence: Evidence = {};
  const root = context as unknown as Record<string, unknown>;
  for (const reason of decision.reasons) {
    const rule = ruleset.rules.find((candidate) => candidate.id === reason.rule);
    if (!rule) continue;
    const values: Record<string, unknown> = {};
    for (const path of rule.reads) values[path] = valueAt(root, path);
    evidence[rule.id] = values;
  }
  return evidence;
}

function valueAt(root: Record<string, unknown>, path: string): unknown {
  let node: unknown = root;
  for (const part of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

export function nextPositions(records: LogRecord[]): PartitionPosition[] {
  const positions = new Map<string, PartitionPosition>();
  for (const record of records) {
    const slot = `${record.topic}\u0000${record.partition}`;
    const current = positions.get(slot);
    if (!current || record.offset + 1 > current.offset) {
      positions.set(slot, { topic: record.topic, partition: record.partition, offset: record.offset + 1 });
    }
  }
  return [...positions.values()];
}
