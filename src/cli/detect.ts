import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { fileChangedAt, RulesetSource } from '../detector/rules/source.ts';
import { runDetector, type DetectorTotals } from '../detector/service.ts';
import type { Log } from '../log/types.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ProcessedRecord } from '../detector/processor.ts';
import { untilStopped } from './lifecycle.ts';
import { addLogOptions, configAndOptions } from './options.ts';
import { ProgressReporter } from './progress.ts';

const DetectOptions = z.object({
  rules: z.string().min(1).optional(),
  atLeastOnce: z.boolean().default(false),
});

export function detectCommand(): Command {
  return addLogOptions(new Command('detect'))
    .description('consume transactions, decide each one, route it to the legit, fraud or dead-letter topic')
    .option('--rules <file>', 'ruleset file, YAML or JSON (default: the shipped ruleset)')
    .option('--group <id>', "the detectors' consumer group (env DETECTOR_GROUP_ID)")
    .option('--batch-size <n>', 'records decided per batch at most (env DETECTOR_BATCH_SIZE)')
    .option('--at-least-once', 'on Kafka, skip transactions: lower latency, duplicates possible after a crash')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(DetectOptions, flags);
      if (options.atLeastOnce) config.detector.exactlyOnce = false;
      const logger = createLogger(config.logLevel);
      const log = await openLog(config);
      try {
        await log.ensureTopics(pipelineTopics(config));
        const totals = await untilStopped(logger, (signal) =>
          startDetector({ config, log, logger, rulesFile: options.rules, signal }),
        );
        logger.info(totals, 'detector stopped');
      } finally {
        await log.close();
      }
    });
}

export interface StartDetectorOptions {
  config: Config;
  log: Log;
  logger: Logger;
  rulesFile?: string;
  metrics?: Metrics;
  signal: AbortSignal;
  onCommitted?: (processed: ProcessedRecord[]) => void;
}

/**
 * The detector as `detect` and `run` start it: the ruleset loaded and checked before the
 * first record, then kept current from its file and from the rules topic.
 */
export async function startDetector(options: StartDetectorOptions): Promise<DetectorTotals> {
  const { config, logger } = options;
  const rulesFile = options.rulesFile ?? DEFAULT_RULES_FILE;
  const rules = new RulesetSource(loadRulesetFile(rulesFile), logger, fileChangedAt(rulesFile));
  rules.watchFile(rulesFile);
  await rules.followTopic(options.log, config.topics.rules, options.signal);
  try {
    return await decide(options, rules);
  } finally {
    await rules.close();
  }
}

async function decide(options: StartDetectorOptions, rules: RulesetSource): Promise<DetectorTotals> {
  const { config, logger } = options;
  logger.info({ log: options.log.kind, rules: rules.current().version, group: config.detector.groupId }, 'detector started');
  const progress = new ProgressReporter(logger, 'decided');
  const totals = await runDetector(
    {
      log: options.log,
      inputTopic: config.topics.transactions,
      outputs: config.topics,
      groupId: config.detector.groupId,
      batchSize: config.detector.batchSize,
      exactlyOnce: config.detector.exactlyOnce,
      maxRecordBytes: config.maxRecordBytes,
      ruleset: () => rules.current(),
      logger,
      metrics: options.metrics,
      onCommitted: (processed) => {
        progress.add(processed.length);
        options.onCommitted?.(processed);
      },
    },
    options.signal,
  );
  progress.finish();
  return totals;
}
