import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.ts';
import { kafkaDirLayout, startLocalKafka, stopLocalKafka } from '../localkafka/index.ts';
import type { KafkaTarget } from './context.ts';
import type { Progress } from './progress.ts';

/** The bench's own broker: its own folder and port, so a developer's broker (9092) and the tests' (19092) are left alone. */
export const BENCH_KAFKA = {
  kafkaDir: fileURLToPath(new URL('../../.kafka/bench', import.meta.url)),
  port: 19_292,
  heap: '1g',
} as const;

export interface BenchBroker {
  target: KafkaTarget;
  startedByBench: boolean;
  version?: string;
  /** Stops the broker if the bench started it; leaves any other running. */
  stop(): Promise<void>;
}

/** The broker of `--brokers`, or the bench's local one, started if it is not running. */
export async function benchBroker(brokers: string[] | undefined, progress: Progress): Promise<BenchBroker> {
  if (brokers) return { target: targetFor(brokers), startedByBench: false, stop: async () => undefined };
  const started = await startLocalKafka({ ...BENCH_KAFKA, onProgress: (message) => progress.note(`kafka: ${message}`) });
  progress.note(`kafka: ${started.startedNow ? 'started' : 'reusing'} Kafka ${started.version} at ${started.brokers}`);
  return {
    target: { ...targetFor([started.brokers]), brokerPid: started.pid },
    startedByBench: started.startedNow,
    version: started.version,
    stop: async () => {
      if (!started.startedNow) return;
      await stopLocalKafka({ ...BENCH_KAFKA, onProgress: (message) => progress.note(`kafka: ${message}`) });
      await removeDeletedTopics();
    },
  };
}

/**
 * Kafka renames a deleted topic's folders `…-delete` and removes them a minute later; the
 * bench stops its broker sooner, which would leave a run's data (a gigabyte) on disk.
 * The topics are gone from the cluster's metadata already, so their folders can go.
 */
async function removeDeletedTopics(): Promise<void> {
  const { dataDir } = kafkaDirLayout(BENCH_KAFKA.kafkaDir, process.cwd());
  const names = await readdir(dataDir).catch(() => []);
  for (const name of names) if (name.endsWith('-delete')) await rm(join(dataDir, name), { recursive: true, force: true });
}

/** Client settings are the defaults (no environment, no file): the bench measures what ships. */
function targetFor(brokers: string[]): KafkaTarget {
  const config = loadConfig({ flags: { brokers: brokers.join(',') } });
  return {
    brokers: brokers.join(','),
    logOptions: { ...config.kafka, clientId: 'fraud-bench', brokers },
    kafkaDir: BENCH_KAFKA.kafkaDir,
  };
}
