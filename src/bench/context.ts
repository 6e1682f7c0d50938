import { openKafkaLog, type KafkaLogOptions } from '../log/kafka/index.ts';
import type { Log } from '../log/types.ts';
import type { Sizes } from './options.ts';
import type { Progress } from './progress.ts';
import type { PipelineTopics } from './topics.ts';
import type { BenchFigures } from './types.ts';
import type { Workload } from './workload.ts';

/** The broker every Kafka stage runs against. */
export interface KafkaTarget {
  brokers: string;
  logOptions: KafkaLogOptions;
  /** The local broker's kafka dir, whose jars run Kafka's tools. */
  kafkaDir: string;
  /** The broker's process when it is the bench's local one (its CPU is then measured too). */
  brokerPid?: number;
}

/** What a stage receives: sizes, the workload, where to report, and the figures so far. */
export interface StageContext {
  sizes: Sizes;
  workload: Workload;
  kafka: KafkaTarget | undefined;
  progress: Progress;
  /** A folder of this run, removed at the end (embedded logs, payload file). */
  tempDir: string;
  cpuProfDir?: string;
  figures: BenchFigures;
  /** Topics a stage created on Kafka, deleted when the bench ends. */
  createdTopics: PipelineTopics[];
  /** SIGINT/SIGTERM: the stage in flight ends early (failing), the rest are skipped, the broker is stopped. */
  signal: AbortSignal;
}

/** Throws when the bench was interrupted: a wait loop calls it so that it ends early. */
export function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('interrupted');
}

export function requireKafka(context: StageContext): KafkaTarget {
  if (!context.kafka) throw new Error('this stage needs a Kafka broker');
  return context.kafka;
}

/** Opens a Log on the bench's broker, runs `work` with it, and closes it whatever happens. */
export async function withKafkaLog<T>(target: KafkaTarget, work: (log: Log) => Promise<T>): Promise<T> {
  const log = await openKafkaLog(target.logOptions);
  try {
    return await work(log);
  } finally {
    await log.close();
  }
}
