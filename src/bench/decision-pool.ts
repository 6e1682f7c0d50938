import { ConfigSchema } from '../config/schema.ts';
import { BatchProcessor, INPUT_TIMESTAMP_HEADER } from '../detector/processor.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { itemsOf } from '../detector/input/items.ts';
import { DEFAULT_LIMITS } from '../detector/state/limits.ts';
import { EntityStore } from '../detector/state/store.ts';
import { EVAL_DEFAULTS } from '../eval/options.ts';
import { ScenarioStream } from '../generator/scenarios/index.ts';
import type { LogRecord, OutgoingRecord } from '../log/types.ts';
import { idOf } from './decision-watch.ts';
import type { PipelineTopics } from './topics.ts';
import { WORKLOAD_SEED } from './workload.ts';

const BATCH = 500;

export interface PooledDecision {
  record: OutgoingRecord;
  /** The record's value as text, and the id it carries. */
  text: string;
  id: string;
}

export interface DecisionPool {
  decisions: PooledDecision[];
  /** Share of review and fraud decisions: what the page is sent in full. */
  flaggedShare: number;
}

/**
 * Real decisions (the detector's processor, default ruleset, no log) of the labelled
 * scenario stream `fraud produce --scenarios` sends: everyday traffic with fraud incidents
 * and look-alikes mixed in at their evaluation rate. Made before the dashboard stage so
 * that feeding the dashboard at 10,000/s costs this process only the sending.
 */
export function decisionPool(topics: PipelineTopics, size: number): DecisionPool {
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const defaults = ConfigSchema.parse({});
  const store = new EntityStore({ limits: DEFAULT_LIMITS, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY });
  const processor = new BatchProcessor({ topics, maxRecordBytes: defaults.maxRecordBytes, ruleset: () => ruleset, now: Date.now, store, limits: DEFAULT_LIMITS });
  // The stream `fraud eval` scores the ruleset on (a month of its population): its share
  // of flagged decisions is the one the evaluation measures.
  const stream = new ScenarioStream({
    seed: WORKLOAD_SEED + 4,
    customers: EVAL_DEFAULTS.customers,
    startTime: EVAL_DEFAULTS.startTime,
    blockedAccounts: ruleset.definition.lists.blocked.accounts,
  });
  const decisions: PooledDecision[] = [];
  for (let offset = 0; offset < size; offset += BATCH) {
    const records: LogRecord[] = [];
    for (let i = offset; i < Math.min(size, offset + BATCH); i++) records.push(inputRecord(topics.transactions, i, stream));
    for (const record of processor.process(itemsOf(records, defaults.maxRecordBytes)).outputs) decisions.push(pooled(record));
  }
  const flagged = decisions.filter((decision) => decision.record.topic === topics.fraud).length;
  return { decisions, flaggedShare: Math.round((flagged / Math.max(1, decisions.length)) * 10_000) / 10_000 };
}

function inputRecord(topic: string, offset: number, stream: ScenarioStream): LogRecord {
  const transaction = stream.next().transaction;
  return {
    topic,
    partition: 0,
    offset,
    key: Buffer.from(transaction.source),
    value: Buffer.from(JSON.stringify(transaction)),
    timestamp: Date.now(),
    headers: {},
  };
}

function pooled(record: OutgoingRecord): PooledDecision {
  const text = typeof record.value === 'string' ? record.value : (record.value?.toString('utf8') ?? '');
  return { record, text, id: idOf(Buffer.from(text)) ?? '' };
}

/**
 * The pool's i-th decision, cycling, stamped as if its input had arrived at `epochMs`. From
 * the second round on its id gets the round number: the dashboard keeps flagged decisions
 * by id, and a repeated id would replace an entry instead of adding one.
 */
export function pooledDecision(pool: DecisionPool, i: number, epochMs: number): OutgoingRecord {
  const entry = pool.decisions[i % pool.decisions.length] as PooledDecision;
  const round = Math.floor(i / pool.decisions.length);
  const value = round === 0 || entry.id === '' ? entry.text : entry.text.replace(`"id":"${entry.id}"`, `"id":"${entry.id}~${round}"`);
  return { ...entry.record, value, headers: { ...entry.record.headers, [INPUT_TIMESTAMP_HEADER]: String(Math.round(epochMs)) } };
}
