import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { fileChangedAt, RulesetSource } from '../detector/rules/source.ts';
import { loadModelFile } from '../detector/model/loaded.ts';
import { ModelSource } from '../detector/model/source.ts';
import { runDetector, type DetectorTotals } from '../detector/service.ts';
import { stateOptions } from '../detector/state/options.ts';
import type { Log } from '../log/types.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { DetectorHealth } from '../observability/health.ts';
import { startHealthServer } from '../observability/health-server.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import type { ProcessedRecord } from '../detector/processor.ts';
import { untilStopped } from './lifecycle.ts';
import { addLogOptions, configAndOptions, wholeNumberFlag } from './options.ts';
import { ProgressReporter } from './progress.ts';

const DetectOptions = z.object({
  rules: z.string().min(1).optional(),
  atLeastOnce: z.boolean().default(false),
  metricsPort: wholeNumberFlag(0, 65535),
  metricsHost: z.string().min(1).default('127.0.0.1'),
});
type DetectOptions = z.infer<typeof DetectOptions>;

export function detectCommand(): Command {
  return addLogOptions(new Command('detect'))
    .description('consume transactions, decide each one, route it to the legit, fraud or dead-letter topic')
    .option('--rules <file>', 'ruleset file, YAML or JSON (default: the shipped ruleset)')
    .option('--model <file>', 'trained model file (fraud train) to score with; f.model.score in rules (env FRAUD_MODEL_FILE)')
    .option('--group <id>', "the detectors' consumer group (env DETECTOR_GROUP_ID)")
    .option('--instance-id <id>', 'static group membership on Kafka (env DETECTOR_INSTANCE_ID): restarted under the same id, a detector takes its partitions straight back')
    .option('--batch-size <n>', 'records decided per batch at most (env DETECTOR_BATCH_SIZE)')
    .option('--state-dir <dir>', "folder of the detector's local state store (env FRAUD_STATE_DIR; default: DATA_DIR/state)")
    .option('--at-least-once', 'on Kafka, skip transactions: lower latency, duplicates possible after a crash')
    .option('--metrics-port <n>', 'serve /healthz and /metrics (Prometheus) on this port, 0 = any free one (default: off)')
    .option('--metrics-host <host>', 'address of the /healthz and /metrics server', '127.0.0.1')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(DetectOptions, flags);
      if (options.atLeastOnce) config.detector.exactlyOnce = false;
      const logger = createLogger(config.logLevel);
      const log = await openLog(config);
      try {
        await log.ensureTopics(pipelineTopics(config));
        const observed = await observe(options, log, logger);
        try {
          const totals = await untilStopped(logger, (signal) =>
            startDetector({ config, log, logger, rulesFile: options.rules, signal, ...observed.detector }),
          );
          logger.info(totals, 'detector stopped');
        } finally {
          await observed.close();
        }
      } finally {
        await log.close();
      }
    });
}

/** With --metrics-port: the detector's metrics and health, and the server that shows them. */
async function observe(
  options: DetectOptions,
  log: Log,
  logger: Logger,
): Promise<{ detector: { metrics?: Metrics; health?: DetectorHealth }; close: () => Promise<void> }> {
  if (options.metricsPort === undefined) return { detector: {}, close: async () => undefined };
  const metrics = createMetrics();
  const health = new DetectorHealth();
  const server = await startHealthServer({ host: options.metricsHost, port: options.metricsPort, log, health, metrics });
  logger.info({ healthz: `${server.url}/healthz`, metrics: `${server.url}/metrics` }, 'serving health and metrics');
  process.stdout.write(`${server.url}\n`); // as the dashboard prints its URL: scripts read it
  return { detector: { metrics, health }, close: () => server.close() };
}

export interface StartDetectorOptions {
  config: Config;
  log: Log;
  logger: Logger;
  rulesFile?: string;
  metrics?: Metrics;
  health?: DetectorHealth;
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
  const modelFile = config.detector.modelFile;
  // Checked before anything runs: a model refused at start-up stops it (exit code 2), with every problem.
  const models = new ModelSource(modelFile ? loadModelFile(modelFile) : undefined, logger, modelFile ? fileChangedAt(modelFile) : undefined);
  rules.watchFile(rulesFile);
  // Following stops with the detector, also when it stops by failing rather than by the
  // signal: a follower left running would keep the process alive with nothing deciding.
  const stopFollowing = new AbortController();
  try {
    const following = AbortSignal.any([options.signal, stopFollowing.signal]);
    await rules.followTopic(options.log, config.topics.rules, following);
    await models.followTopic(options.log, config.topics.rules, following);
    return await decide(options, rules, models);
  } finally {
    stopFollowing.abort();
    await rules.close();
    await models.close();
  }
}

async function decide(options: StartDetectorOptions, rules: RulesetSource, models: ModelSource): Promise<DetectorTotals> {
  const { config, logger } = options;
  const model = models.current();
  logger.info({ log: options.log.kind, rules: rules.current().version, model: model ? `${model.id}@${model.version}` : null, group: config.detector.groupId }, 'detector started');
  const progress = new ProgressReporter(logger, 'decided');
  const totals = await runDetector(
    {
      log: options.log,
      inputTopic: config.topics.transactions,
      labelsTopic: config.topics.labels,
      outputs: config.topics,
      groupId: config.detector.groupId,
      batchSize: config.detector.batchSize,
      exactlyOnce: config.detector.exactlyOnce,
      maxRecordBytes: config.maxRecordBytes,
      ruleset: () => rules.current(),
      model: () => models.current(),
      state: stateOptions({ ...config.state, dataDir: config.dataDir }),
      logger,
      metrics: options.metrics,
      health: options.health,
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
