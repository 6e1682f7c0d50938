import type { Config } from '../config/schema.ts';
import { openEmbeddedLog } from './embedded/index.ts';
import type { Log, TopicSpec } from './types.ts';

/** The one place that picks the log: Kafka when brokers are configured, else the embedded log. */
export async function openLog(config: Config): Promise<Log> {
  if (config.kafka.brokers) {
    const { openKafkaLog } = await import('./kafka/index.ts');
    return openKafkaLog({ ...config.kafka, brokers: config.kafka.brokers });
  }
  return openEmbeddedLog({ dataDir: config.dataDir, retentionMs: config.retentionHours * 3_600_000 });
}

/**
 * Every topic of the pipeline, created when missing. The rules topic keeps the newest
 * ruleset per key; the audit topic keeps every publication, whatever the retention.
 */
export function pipelineTopics(config: Config): TopicSpec[] {
  const { topics, partitions } = config;
  return [
    { name: topics.transactions, partitions },
    { name: topics.legit, partitions },
    { name: topics.fraud, partitions },
    { name: topics.deadLetter, partitions },
    { name: topics.labels, partitions },
    { name: topics.feedback, partitions },
    { name: topics.rules, partitions: 1, compacted: true },
    // One partition keeps the publications in the order they happened.
    { name: topics.audit, partitions: 1, keepForever: true },
  ];
}
