import { z } from 'zod';
import type { OutputTopics } from '../detector/processor.ts';
import { VERDICTS, type Verdict } from '../domain/decision.ts';
import { FraudError } from '../errors.ts';
import { LabelSchema, type Label } from '../generator/scenarios/types.ts';
import type { Log, LogRecord } from '../log/types.ts';

const DecisionRecord = z.looseObject({ id: z.string().min(1), decision: z.object({ verdict: z.enum(VERDICTS) }) });

/** The verdict of every transaction a pass decided, by transaction id, read back from its output topics. */
export async function readVerdicts(log: Log, outputs: OutputTopics): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  for (const topic of [outputs.legit, outputs.fraud]) {
    for await (const record of recordsOf(log, topic)) {
      const decided = parseRecord(DecisionRecord, record);
      verdicts.set(decided.id, decided.decision.verdict);
    }
  }
  return verdicts;
}

export async function readLabels(log: Log, topic: string): Promise<Label[]> {
  const labels: Label[] = [];
  for await (const record of recordsOf(log, topic)) labels.push(parseRecord(LabelSchema, record));
  return labels;
}

export async function countRecords(log: Log, topic: string): Promise<number> {
  return (await log.partitionBounds(topic)).reduce((sum, bounds) => sum + bounds.end - bounds.start, 0);
}

async function* recordsOf(log: Log, topic: string): AsyncGenerator<LogRecord> {
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
