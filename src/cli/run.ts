import { Command } from 'commander';
import { z } from 'zod';
import { checkApiSettings, startApi } from '../api/index.ts';
import type { Config } from '../config/schema.ts';
import { checkDashboardSettings, startDashboard } from '../dashboard/index.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { produceItems } from '../generator/producer.ts';
import { randomSeed } from '../generator/random.ts';
import {
  FRAUD_SCENARIOS,
  PRODUCES,
  SCENARIO_KINDS,
  ScenarioStream,
  scenarioEvents,
  scenarioItems,
  type HistoryRequirement,
  type Mix,
} from '../generator/scenarios/index.ts';
import type { Log } from '../log/types.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { startDetector } from './detect.ts';
import { untilStopped } from './lifecycle.ts';
import { addApiOptions, addDashboardOptions, addLogOptions, configAndOptions, wholeNumberFlag } from './options.ts';

const RunOptions = z.object({
  seed: wholeNumberFlag(0, 2 ** 31 - 1),
  rules: z.string().min(1).optional(),
  count: wholeNumberFlag(1, Number.MAX_SAFE_INTEGER),
});

/** `fraud run` (= `npm start`): the seed's three programs and the decision API in one process, on the embedded log unless --brokers. */
export function runCommand(): Command {
  return addApiOptions(addDashboardOptions(addLogOptions(new Command('run'))))
    .description('generator, detector, dashboard and decision API in one process; open the printed URL')
    .option('--rate <n>', 'generated transactions per second (env TRANSACTIONS_PER_SECOND, default 2)')
    .option('--seed <n>', 'seed of the generator')
    .option('--count <n>', 'stop generating after N transactions (detector and dashboard keep running)')
    .option('--rules <file>', 'ruleset file (default: the shipped ruleset)')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(RunOptions, flags);
      checkDashboardSettings(config.dashboard);
      checkApiSettings(config.api);
      const logger = createLogger(config.logLevel);
      const metrics = createMetrics();
      const log = await openLog(config);
      try {
        await log.ensureTopics(pipelineTopics(config));
        await untilStopped(logger, (signal) => runPipeline({ config, log, logger, metrics, signal, ...options }));
      } finally {
        await log.close();
      }
    });
}

interface PipelineOptions {
  config: Config;
  log: Log;
  logger: Logger;
  metrics: Metrics;
  signal: AbortSignal;
  seed?: number;
  rules?: string;
  count?: number;
}

/** Runs the three parts until the signal; if one fails, the others are stopped and the error surfaces. */
async function runPipeline(options: PipelineOptions): Promise<void> {
  const { config, log, logger, metrics } = options;
  const stop = new AbortController();
  const stopAll = (): void => stop.abort();
  options.signal.addEventListener('abort', stopAll, { once: true });
  const dashboard = await startDashboard({ log, topics: config.topics, ...config.dashboard, metrics, logger, followRules: { file: options.rules } });
  const api = await startApi({ log, topics: config.topics, settings: config.api, maxRecordBytes: config.maxRecordBytes, metrics, logger }).catch(async (error: unknown) => {
    await dashboard.close();
    throw error;
  });
  process.stdout.write(`\n  Fraud detector running on the ${log.kind} log. Open ${dashboard.url}\n  Decision API: POST ${api.url}v1/decisions\n\n`);
  const failFast = <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      stopAll();
      throw error;
    });
  try {
    await Promise.all([
      failFast(startDetector({ config, log, logger, metrics, rulesFile: options.rules, signal: stop.signal })),
      failFast(generate(options, stop.signal)),
    ]);
  } finally {
    options.signal.removeEventListener('abort', stopAll);
    await api.close();
    await dashboard.close();
  }
}

/**
 * A demo has minutes, not hours: each kind of fraud incident about every 67 transactions
 * (the labelled scenarios at 25 times their evaluation rate), so red rows come within the
 * first minute at 2 transactions/s. `fraud produce --scenarios` keeps the realistic mix.
 */
const DEMO_MIX: Partial<Mix> = Object.fromEntries(
  SCENARIO_KINDS.filter((kind) => PRODUCES[kind].some((name) => (FRAUD_SCENARIOS as readonly string[]).includes(name))).map((kind) => [kind, 150]),
);
const DEMO_WARMUP = 0;
/**
 * Live, a customer pays a few times a week: a demo would wait days for victims with a real
 * history. Any customer seen once will do there; `fraud produce --scenarios` keeps the real requirement.
 */
const DEMO_HISTORY: HistoryRequirement = { payments: 1, days: 0 };

async function generate(options: PipelineOptions, signal: AbortSignal): Promise<void> {
  const { config } = options;
  const producer = await options.log.createProducer();
  const seed = options.seed ?? randomSeed();
  const ruleset = loadRulesetFile(options.rules ?? DEFAULT_RULES_FILE);
  const stream = new ScenarioStream({
    seed,
    // Live at the rate (event time is the wall clock the page shows); at --rate 0, the population's own pace.
    ratePerSecond: config.rate > 0 ? config.rate : undefined,
    startTime: Date.now(),
    mix: DEMO_MIX,
    warmupTransactions: DEMO_WARMUP,
    history: DEMO_HISTORY,
    blockedAccounts: ruleset.definition.lists.blocked.accounts,
  });
  const items = scenarioItems(scenarioEvents(stream), { transactions: config.topics.transactions, labels: config.topics.labels }, stream.live);
  options.logger.info({ rate: config.rate, seed }, 'generating transactions with fraud scenarios mixed in');
  await produceItems({ producer, items, rate: config.rate, count: options.count, onSent: (batch) => options.metrics.produced.inc(batch.length) }, signal);
  await producer.close();
  // With --count the generator ends first; detector and dashboard keep serving until stopped.
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
}
