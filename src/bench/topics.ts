import { randomBytes } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import type { Config } from '../config/schema.ts';
import { clientOptions, type KafkaLogOptions } from '../log/kafka/options.ts';
import { closeClient } from '../log/kafka/producer.ts';
import type { Log, TopicSpec } from '../log/types.ts';

/** Partitions of every bench topic: the pipeline's default, so the detector splits work as it would. */
export const BENCH_PARTITIONS = 6;

export type PipelineTopics = Config['topics'];

/**
 * Fresh topics for one step, under a random suffix: no record of an earlier run (or of a
 * stage before) is ever read, and two benches against one cluster do not meet.
 */
export function freshTopics(step: string): PipelineTopics {
  const prefix = `bench-${step}-${randomBytes(4).toString('hex')}`;
  return {
    transactions: `${prefix}.transactions`,
    legit: `${prefix}.legit`,
    fraud: `${prefix}.fraud`,
    deadLetter: `${prefix}.dead-letter`,
    rules: `${prefix}.rules`,
    labels: `${prefix}.labels`,
    feedback: `${prefix}.feedback`,
    audit: `${prefix}.rules-audit`,
  };
}

/** The topics the pipeline reads and writes (rules, labels and feedback are made by the commands that use them). */
export function dataTopics(topics: PipelineTopics): string[] {
  return [topics.transactions, topics.legit, topics.fraud, topics.deadLetter];
}

export async function createTopics(log: Log, names: string[]): Promise<void> {
  const specs: TopicSpec[] = names.map((name) => ({ name, partitions: BENCH_PARTITIONS }));
  await log.ensureTopics(specs);
}

/**
 * Deletes a step's topics from Kafka, so repeated benches do not fill the broker's disk
 * (500,000 transactions are 200 MB a topic). Failing to delete is reported, not fatal.
 */
export async function deleteKafkaTopics(options: KafkaLogOptions, prefixOf: PipelineTopics[]): Promise<string | undefined> {
  const admin = new Admin(clientOptions(options, 'bench-admin'));
  try {
    // Every step's prefix: a step may read another's input topic and write its own outputs.
    const prefixes = new Set(prefixOf.flatMap((topics) => Object.values(topics).map((name) => name.slice(0, name.lastIndexOf('.') + 1))));
    const existing = await admin.listTopics();
    const doomed = existing.filter((name) => [...prefixes].some((prefix) => name.startsWith(prefix)));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await closeClient(admin);
  }
}
