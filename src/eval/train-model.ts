import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_MS } from '../generator/pace.ts';
import type { Log } from '../log/types.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { runTraining, TRAIN_DEFAULTS, type TrainReport } from '../train/run.ts';
import { countRecords, recordsOf } from './collect.ts';
import { feedStream } from './feed.ts';
import type { EvalOptions } from './options.ts';
import { evalStream } from './stream.ts';

export const TRAIN_TOPICS = { transactions: 'eval.train.transactions', labels: 'eval.train.labels' } as const;

export interface TrainedForEval {
  file: string;
  seed: number;
  transactions: number;
  report: TrainReport;
}

/**
 * A model for the evaluation, trained as a user would train one (`fraud train`), on a
 * stream the evaluation does not score: another seed's population and incidents, of the
 * same size and period. Its first week only warms the windows; its labels are known
 * `labelDelayDays` after each transaction, as in the scored stream.
 */
export async function trainForEval(log: Log, ruleset: Ruleset, options: EvalOptions & { dataDir: string; trainSeed: number; labelDelayDays: number }): Promise<TrainedForEval> {
  const signal = options.signal ?? new AbortController().signal;
  const stream = evalStream(options, options.trainSeed, ruleset);
  await log.ensureTopics(Object.values(TRAIN_TOPICS).map((name) => ({ name, partitions: options.partitions })));
  await feedStream({ log, stream, count: options.transactions, topics: TRAIN_TOPICS, labelDelayDays: options.labelDelayDays, signal });
  const labelsFile = join(options.dataDir, 'train-labels.jsonl');
  const lines: string[] = [];
  for await (const record of recordsOf(log, TRAIN_TOPICS.labels)) lines.push(String(record.value));
  writeFileSync(labelsFile, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  const file = join(options.dataDir, 'eval-model.json');
  const since = options.startTime + 7 * DAY_MS;
  const until = options.startTime + Math.ceil(stream.lastMs / DAY_MS + 1) * DAY_MS;
  const report = await runTraining({
    source: { kind: 'topic', topic: TRAIN_TOPICS.transactions, log },
    labelsFile,
    since,
    until,
    delayDays: options.labelDelayDays,
    ruleset,
    out: file,
    modelId: `eval-seed-${options.trainSeed}`,
    hyperParameters: { ...TRAIN_DEFAULTS },
    maxRecordBytes: 65_536,
    onProgress: (_phase, done) => options.onProgress?.({ phase: 'train', done, total: options.transactions }),
    signal,
  });
  return { file, seed: options.trainSeed, transactions: await countRecords(log, TRAIN_TOPICS.transactions), report };
}
