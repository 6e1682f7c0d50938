import type { TestContext } from 'node:test';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import type { Log } from '../../src/log/types.ts';
import { GroupWatch } from './group.ts';
import { pipelineSpecs, randomPipeline, type PipelineTopics } from './pipeline.ts';
import { randomTopic } from './topics.ts';

export interface KafkaPipeline {
  log: Log;
  topics: PipelineTopics;
  groupId: string;
  watch: GroupWatch;
}

/** Fresh topics and group on the test's broker, a log and a group watch, all closed when the test ends. */
export async function openKafkaPipeline(t: TestContext, brokers: string, prefix: string, partitions: number): Promise<KafkaPipeline> {
  const topics = randomPipeline(prefix);
  const groupId = randomTopic('g');
  const log = await openKafkaLog({ brokers: brokers.split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
  t.after(() => log.close());
  await log.ensureTopics(pipelineSpecs(topics, partitions));
  const watch = new GroupWatch(brokers);
  t.after(() => watch.close());
  return { log, topics, groupId, watch };
}
