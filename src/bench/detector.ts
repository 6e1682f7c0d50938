import { requireKafka, withKafkaLog, type StageContext } from './context.ts';
import { timeDetector } from './detector-run.ts';
import { prefill } from './prefill.ts';
import { createTopics, dataTopics, freshTopics, type PipelineTopics } from './topics.ts';
import type { DetectorRunFigures } from './types.ts';

/**
 * Stage (c): the detector's sustained rate on Kafka. One input topic is filled with N
 * transactions, then read twice by fresh groups, each writing its own output topics:
 * at-least-once (send, then commit offsets) and exactly-once (one Kafka transaction per batch).
 */
export async function runDetectorStage(context: StageContext): Promise<{ atLeastOnce: DetectorRunFigures; exactlyOnce: DetectorRunFigures }> {
  const target = requireKafka(context);
  const input = freshTopics('c');
  const alo = { ...freshTopics('c-alo'), transactions: input.transactions };
  const eos = { ...freshTopics('c-eos'), transactions: input.transactions };
  context.createdTopics.push(input, alo, eos);
  const records = context.sizes.detectorRecords;
  return withKafkaLog(target, async (log) => {
    await createTopics(log, [...dataTopics(alo), ...dataTopics(eos).slice(1)]);
    await prefill(log, input.transactions, records, context.progress);
    const run = (topics: PipelineTopics, exactlyOnce: boolean): Promise<DetectorRunFigures> =>
      timeDetector({
        log,
        topics,
        records,
        exactlyOnce,
        progress: context.progress,
        signal: context.signal,
        tempDir: context.tempDir,
        label: `c detector on Kafka, ${exactlyOnce ? 'exactly-once' : 'at-least-once'}`,
        profile: context.cpuProfDir ? { dir: context.cpuProfDir, name: `detector-kafka-${exactlyOnce ? 'eos' : 'alo'}` } : undefined,
      });
    const atLeastOnce = await run(alo, false);
    const exactlyOnce = await run(eos, true);
    return { atLeastOnce, exactlyOnce };
  });
}
