import type { Log, LogConsumer, TopicPartition } from '../log/types.ts';
import { describeError } from '../log/retry.ts';
import { sleep } from '../util/wait.ts';
import type { DetectorHealth, PartitionLag } from './health.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

export interface MonitorOptions {
  log: Log;
  consumer: LogConsumer;
  /** The input topic: lag is reported for its partitions assigned to this consumer. */
  topic: string;
  logger: Logger;
  metrics?: Metrics;
  health?: DetectorHealth;
  intervalMs?: number;
}

/**
 * Samples, every few seconds, the log's connectivity and the lag of the consumer's
 * partitions into the metrics and the health report. It runs beside the detector loop,
 * not in it, so a broker that is away slows the samples, never the decisions.
 */
export async function monitorDetector(options: MonitorOptions, signal: AbortSignal): Promise<void> {
  const shown = new Map<string, TopicPartition>();
  while (!signal.aborted) {
    await sampleConnectivity(options);
    try {
      const assignment = options.consumer.assignment().filter((tp) => tp.topic === options.topic);
      const lag = await sampleLag(options.log, options.consumer, assignment);
      if (signal.aborted) break; // the consumer may be closing: keep the last figures
      options.health?.sampled(assignment, lag);
      if (options.metrics) showLag(options.metrics, lag, shown);
    } catch (error) {
      options.logger.debug({ err: describeError(error) }, 'consumer lag not sampled');
    }
    await sleep(options.intervalMs ?? 5_000, signal);
  }
}

/** Lag per partition: end offset (what read_committed readers see) minus the group's committed position. */
export async function sampleLag(log: Log, consumer: LogConsumer, partitions: TopicPartition[]): Promise<PartitionLag[]> {
  if (partitions.length === 0) return [];
  const committed = new Map((await consumer.committed(partitions)).map((p) => [p.partition, p.offset]));
  const bounds = new Map((await log.partitionBounds(partitions[0]?.topic ?? '')).map((b) => [b.partition, b]));
  return partitions.map((tp) => {
    const { start = 0, end = 0 } = bounds.get(tp.partition) ?? {};
    const position = committed.get(tp.partition) ?? start;
    return { ...tp, position, end, lag: Math.max(0, end - position) };
  });
}

async function sampleConnectivity(options: MonitorOptions): Promise<void> {
  const health = await options.log.health().catch(() => ({ ok: false }));
  options.metrics?.logUp.set(health.ok ? 1 : 0);
}

/** Sets the lag gauge, and removes the series of partitions this detector no longer owns. */
function showLag(metrics: Metrics, lag: PartitionLag[], shown: Map<string, TopicPartition>): void {
  const current = new Set<string>();
  for (const entry of lag) {
    const labels = { topic: entry.topic, partition: String(entry.partition) };
    metrics.consumerLag.set(labels, entry.lag);
    current.add(`${labels.topic}\u0000${labels.partition}`);
    shown.set(`${labels.topic}\u0000${labels.partition}`, entry);
  }
  for (const [slot, tp] of shown) {
    if (current.has(slot)) continue;
    metrics.consumerLag.remove({ topic: tp.topic, partition: String(tp.partition) });
    shown.delete(slot);
  }
}
