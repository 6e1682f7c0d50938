import { z } from 'zod';
import type { OutputTopics } from '../detector/processor.ts';
import { VERDICTS, type Verdict } from '../domain/decision.ts';
import { FraudError } from '../errors.ts';
import { LabelSchema, type Label } from '../generator/scenarios/types.ts';
import type { Log, LogRecord } from '../log/types.ts';
import type { RankedDecision } from './ranking.ts';

const DecisionRecord = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  card: z.string().min(1).optional(),
  timestamp: z.string().min(10),
  decision: z.looseObject({ verdict: z.enum(VERDICTS), score: z.number() }),
});

/** What a pass decided, by transaction id, read back from its output topics. */
export interface PassDecisions {
  verdicts: Map<string, Verdict>;
  /** The decision's score, and the card (else the account) and day it ranks by. */
  ranked: Map<string, RankedDecision>;
}

export async function readDecisions(log: Log, outputs: OutputTopics): Promise<PassDecisions> {
  const verdicts = new Map<string, Verdict>();
  const ranked = new Map<string, RankedDecision>();
  for (const topic of [outputs.legit, outputs.fraud]) {
    for await (const record of recordsOf(log, topic)) {
      const decided = parseRecord(DecisionRecord, record);
      verdicts.set(decided.id, decided.decision.verdict);
      ranked.set(decided.id, { score: decided.decision.score, card: decided.card ?? decided.source, day: decided.timestamp.slice(0, 10) });
    }
  }
  return { verdicts, ranked };
}

export async function readLabels(log: Log, topic: string): Promise<Label[]> {
  const labels: Label[] = [];
  for await (const record of recordsOf(log, topic)) labels.push(parseRecord(LabelSchema, record));
  return labels;
}

export async function countRecords(log: Log, topic: string): Promise<number> {
  return (await log.partitionBounds(topic)).reduce((sum, bounds) => sum + bounds.end - bounds.start, 0);
}

export async function* recordsOf(log: Log, topic: string): AsyncGenerator<LogRecord> {
  for (const bounds of await log.partitionBounds(topic)) {
    for (let from = bounds.start; from < bounds.end; ) {
      const batch = await log.read({ topic, partition: bounds.partition, from, maxRecords: 5000 });
      if (batch.length === 0) break;
      yield* batch;
      from = (batch[batch.length - 1]?.offset ?? from) + 1;
    }
  }
}

/** Our own records, so a bad one is our bug: fail loudly rather than score wrong figures. */
function parseRecord<T extends z.ZodType>(schema: T, record: LogRecord): z.infer<T> {
  try {
    return schema.parse(JSON.parse(String(record.value)));
  } catch (cause) {
    throw new FraudError('FRAUD_INTERNAL', `unreadable record at ${record.topic}[${record.partition}]@${record.offset}`, { cause });
  }
}
