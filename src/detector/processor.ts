import { derivedId, withDecision, type Decision, type DecidedTransaction } from '../domain/decision.ts';
import { toDeadLetter, type DeadLetter, type DeadLetterCode } from '../domain/dead-letter.ts';
import type { Transaction } from '../domain/transaction.ts';
import { parseTransaction } from '../domain/validation.ts';
import type { LogRecord, OutgoingRecord, PartitionPosition } from '../log/types.ts';
import { evaluateRules, type RuleOutcome } from './rules/engine.ts';
import type { Ruleset } from './rules/ruleset.ts';

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
}

/** Header carrying the input record's log timestamp, so readers can measure end-to-end latency. */
export const INPUT_TIMESTAMP_HEADER = 'fraud-input-timestamp';

export type ProcessedRecord =
  | { kind: 'decision'; record: LogRecord; transaction: DecidedTransaction; outcomes: RuleOutcome[] }
  | { kind: 'dead-letter'; record: LogRecord; deadLetter: DeadLetter };

export interface BatchResult {
  outputs: OutgoingRecord[];
  /** Next offset to read per partition: what to commit with the outputs. */
  positions: PartitionPosition[];
  processed: ProcessedRecord[];
}

/**
 * Consume → decide → produce, without the I/O: turns a batch of input records into
 * exactly one output record each (a decision or a dead letter) and the positions to
 * commit with them. Never throws on input.
 */
export class BatchProcessor {
  readonly #options: ProcessorOptions;

  constructor(options: ProcessorOptions) {
    this.#options = options;
  }

  process(records: LogRecord[]): BatchResult {
    const ruleset = this.#options.ruleset();
    const decidedAt = new Date(this.#options.now()).toISOString();
    const outputs: OutgoingRecord[] = [];
    const processed: ProcessedRecord[] = [];
    for (const record of records) {
      const result = this.#processOne(record, ruleset, decidedAt);
      processed.push(result);
      outputs.push(this.#toOutput(result));
    }
    return { outputs, positions: nextPositions(records), processed };
  }

  #processOne(record: LogRecord, ruleset: Ruleset, decidedAt: string): ProcessedRecord {
    const parsed = parseTransaction(record.value, { maxRecordBytes: this.#options.maxRecordBytes });
    if (!parsed.ok) return this.#deadLetter(record, parsed.error, parsed.reason);
    try {
      return this.#decide(record, parsed.transaction, ruleset, decidedAt);
    } catch (error) {
      // A bug of ours must not stop the stream either: the record is kept, with why.
      return this.#deadLetter(record, 'DECIDE_FAILED', error instanceof Error ? error.message : String(error));
    }
  }

  #decide(record: LogRecord, transaction: Transaction, ruleset: Ruleset, decidedAt: string): ProcessedRecord {
    const evaluation = evaluateRules(ruleset, { tx: transaction });
    const decision: Decision = {
      verdict: evaluation.verdict,
      score: evaluation.score,
      reasons: evaluation.reasons,
      rules: ruleset.version,
      decidedAt,
    };
    const fallbackId = derivedId(record.topic, record.partition, record.offset);
    return { kind: 'decision', record, transaction: withDecision(transaction, decision, fallbackId), outcomes: evaluation.outcomes };
  }

  #deadLetter(record: LogRecord, error: DeadLetterCode, reason: string): ProcessedRecord {
    return { kind: 'dead-letter', record, deadLetter: toDeadLetter(record, { error, reason }, this.#options.maxRecordBytes) };
  }

  #toOutput(result: ProcessedRecord): OutgoingRecord {
    const { topics } = this.#options;
    const headers = { [INPUT_TIMESTAMP_HEADER]: String(result.record.timestamp) };
    if (result.kind === 'dead-letter') {
      return { topic: topics.deadLetter, key: result.record.key, value: JSON.stringify(result.deadLetter), headers };
    }
    const topic = result.transaction.decision.verdict === 'legit' ? topics.legit : topics.fraud;
    return { topic, key: result.record.key, value: JSON.stringify(result.transaction), headers };
  }
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
