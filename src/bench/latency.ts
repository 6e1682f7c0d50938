import { childEnv, spawnFraud } from './child.ts';
import { requireKafka, withKafkaLog, type KafkaTarget, type StageContext } from './context.ts';
import { measureLatency, type LatencyPlan } from './latency-run.ts';
import { createTopics, dataTopics, freshTopics } from './topics.ts';
import type { LatencyRun } from './types.ts';

/**
 * Stage (d): end-to-end latency on Kafka at fixed input rates. A `fraud detect` process
 * (at-least-once, then exactly-once at the first rate) sits between this process's
 * producer and its reader of the output topics; see latency-run.ts for what is timed.
 */
export async function runLatencyStage(context: StageContext): Promise<LatencyRun[]> {
  const target = requireKafka(context);
  const { latencyRates, latencySeconds, latencyWarmupSeconds, latencyExactlyOnce } = context.sizes;
  const plan = { rates: latencyRates, seconds: latencySeconds, warmupSeconds: latencyWarmupSeconds };
  const runs = await onKafka(context, target, plan, false);
  if (latencyExactlyOnce && latencyRates[0] !== undefined && !context.signal.aborted) {
    runs.push(...(await onKafka(context, target, { ...plan, rates: [latencyRates[0]] }, true)));
  }
  return runs;
}

async function onKafka(context: StageContext, target: KafkaTarget, plan: LatencyPlan, exactlyOnce: boolean): Promise<LatencyRun[]> {
  const topics = freshTopics(exactlyOnce ? 'd-eos' : 'd-alo');
  context.createdTopics.push(topics);
  return withKafkaLog(target, async (log) => {
    await createTopics(log, dataTopics(topics));
    const args = ['detect', '--brokers', target.brokers, '--group', `${topics.transactions}.detector`];
    const detector = spawnFraud(exactlyOnce ? args : [...args, '--at-least-once'], childEnv(topics));
    try {
      return await measureLatency({ log, topics, detector, mode: exactlyOnce ? 'exactly-once' : 'at-least-once', progress: context.progress, signal: context.signal }, plan);
    } finally {
      await detector.stop();
    }
  });
}
