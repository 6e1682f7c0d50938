import { mkdir, writeFile } from 'node:fs/promises';
import { renderToolsLog4j2 } from './config.ts';
import type { RunResult } from './exec.ts';
import { prepareRuntime } from './runtime.ts';
import { resolveLocalKafkaOptions, type LocalKafkaOptions } from './options.ts';
import { kafkaDirLayout } from './paths.ts';
import { runKafkaTool, type KafkaToolRun } from './tools.ts';

/**
 * Runs a Kafka command line tool (ProducerPerformance, ConsumerPerformance,
 * ConsoleProducer…) with the local broker's jars, fetching them if needed, and returns
 * its output. It does not need the broker of this kafka dir: point the tool anywhere.
 */
export async function runLocalKafkaTool(options: LocalKafkaOptions, run: KafkaToolRun): Promise<RunResult> {
  const opts = resolveLocalKafkaOptions(options);
  const layout = kafkaDirLayout(opts.kafkaDir, opts.cwd);
  const { runtime } = await prepareRuntime(opts);
  await mkdir(layout.configDir, { recursive: true });
  await writeFile(layout.toolsLog4j, renderToolsLog4j2());
  return runKafkaTool(runtime, { log4jConfig: layout.toolsLog4j, ...run });
}
