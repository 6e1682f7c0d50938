import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { generatedTraffic } from '../generator/generated.ts';
import { planStream, type StreamPlan } from '../generator/plan.ts';
import type { ProducerItem } from '../generator/items.ts';
import { produceItems } from '../generator/producer.ts';
import { randomSeed } from '../generator/random.ts';
import { replayJsonLines } from '../generator/replay.ts';
import { DEFAULT_CUSTOMERS } from '../generator/traffic.ts';
import { leastIncidentShare, MixFlag, resolveMix } from '../generator/scenarios/mix.ts';
import { SCENARIO_LABEL_DELAY_DAYS, ScenarioStream, scenarioEvents, scenarioItems } from '../generator/scenarios/index.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { describeError } from '../log/retry.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { untilStopped } from './lifecycle.ts';
import { addLogOptions, configAndOptions, daysFlag, labelDelayDaysFlag, wholeNumberFlag } from './options.ts';
import { ProgressReporter } from './progress.ts';

const ProduceOptions = z
  .object({
    count: wholeNumberFlag(1, Number.MAX_SAFE_INTEGER),
    customers: wholeNumberFlag(1, 100_000_000),
    days: daysFlag,
    seed: wholeNumberFlag(0, 2 ** 31 - 1),
    from: z.string().min(1).optional(),
    startTime: z
      .string()
      .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date')
      .transform((value) => Date.parse(value))
      .optional(),
    verbose: z.boolean().default(false),
    scenarios: z.boolean().default(false),
    rules: z.string().min(1).optional(),
    mix: MixFlag,
    labelDelayDays: labelDelayDaysFlag,
  })
  .superRefine((options, context) => {
    if (options.scenarios && options.from) context.addIssue({ code: 'custom', path: ['scenarios'], message: 'cannot be combined with --from' });
    if (options.labelDelayDays !== undefined && !options.scenarios) context.addIssue({ code: 'custom', path: ['labelDelayDays'], message: 'needs --scenarios' });
    for (const name of ['customers', 'days'] as const) {
      if (options.from && options[name] !== undefined) context.addIssue({ code: 'custom', path: [name], message: 'cannot be combined with --from' });
    }
    if (options.count !== undefined && options.customers !== undefined && options.days !== undefined) {
      context.addIssue({ code: 'custom', path: ['days'], message: 'give at most two of --count, --customers and --days (the third follows from them)' });
    }
  });
type ProduceOptions = z.infer<typeof ProduceOptions>;

export function produceCommand(): Command {
  return addLogOptions(new Command('produce'))
    .description('stream generated transactions (or your own, with --from) to the transactions topic')
    .option('--rate <n>', 'transactions written per second, 0 = as fast as possible (env TRANSACTIONS_PER_SECOND, default 2); alone, above 0, the traffic is live: its event time is the wall clock')
    .option('--count <n>', 'stop after N transactions')
    .option('--customers <n>', `population size; event time then follows its own pace, each customer paying a few times a week (default ${DEFAULT_CUSTOMERS.toLocaleString('en-US')}; live: sized from --rate)`)
    .option('--days <d>', 'event time the stream spans: with --count, the population is sized to fit; without, stop after D days')
    .option('--seed <n>', 'seed of the generator: the same seed and start time give the same stream')
    .option('--start-time <iso>', 'event time of the first transaction (default: with --count or --days at the population\'s pace, so that the stream ends about now, never after; otherwise now)')
    .option('--from <file>', 'replay transactions from a JSON-lines file instead of generating them ("-" = stdin)')
    .option('--scenarios', 'mix labelled fraud incidents and benign look-alikes into the traffic; labels go to the labels topic')
    .option('--rules <file>', 'with --scenarios: the ruleset whose blocked accounts the blocklist scenario uses (default: the shipped one)')
    .option('--mix <list>', 'with --scenarios: incidents per 10,000 transactions, e.g. card-testing=8,payroll=0 (default 6 of each)')
    .option('--label-delay-days <d>', `with --scenarios: days after each transaction its label is known (knownAt), as a chargeback (default ${SCENARIO_LABEL_DELAY_DAYS}; 0: at once)`)
    .option('--verbose', 'print every transaction sent')
    .action(produce);
}

async function produce(flags: Record<string, unknown>): Promise<void> {
  const { config, options } = configAndOptions(ProduceOptions, flags);
  const logger = createLogger(config.logLevel);
  const log = await openLog(config);
  try {
    await log.ensureTopics(pipelineTopics(config));
    const producer = await log.createProducer();
    const seed = options.seed ?? randomSeed();
    const items = itemsToProduce(config, options, seed, logger);
    logger.info({ log: log.kind, topic: config.topics.transactions, rate: config.rate, seed: options.from ? undefined : seed }, 'producing');
    const progress = new ProgressReporter(logger, 'produced');
    const sent = await untilStopped(logger, (signal) =>
      produceItems(
        {
          producer,
          items,
          rate: config.rate,
          count: options.count,
          onSent: (batch) => {
            progress.add(batch.length);
            if (options.verbose) for (const item of batch) process.stdout.write(`${item.display}\n`);
          },
          onRetry: (error, retry) => logger.warn({ err: describeError(error), ...retry }, 'the log is unavailable: retrying the batch'),
        },
        signal,
      ),
    );
    progress.finish();
    logger.info({ sent }, 'done');
  } finally {
    await log.close();
  }
}

/** A replay, everyday traffic, or traffic with labelled scenarios. */
function itemsToProduce(config: Config, options: ProduceOptions, seed: number, logger: Logger): Iterable<ProducerItem> | AsyncIterable<ProducerItem> {
  if (options.from) return replayJsonLines(options.from, config.topics.transactions);
  const ruleset = options.scenarios ? loadRulesetFile(options.rules ?? DEFAULT_RULES_FILE) : undefined;
  const blockedAccounts = ruleset?.definition.lists.blocked.accounts ?? [];
  const plan = planStream({
    seed,
    rate: config.rate,
    count: options.count,
    customers: options.customers,
    days: options.days,
    startTime: options.startTime,
    incidentShare: options.scenarios ? leastIncidentShare(resolveMix(options.mix ?? {}, blockedAccounts).mix) : 0,
    now: Date.now(),
  });
  describePlan(plan, logger, Date.now());
  const traffic = { seed, ratePerSecond: plan.ratePerSecond, startTime: plan.startTime, customers: plan.customers };
  if (!options.scenarios) return generatedTraffic(traffic, config.topics.transactions, { untilMs: plan.untilMs });
  const stream = new ScenarioStream({ ...traffic, mix: options.mix, blockedAccounts });
  for (const note of stream.notes) logger.warn(note);
  logger.info({ labels: config.topics.labels }, 'scenarios: labels of fraud incidents and look-alikes go to the labels topic');
  // --count cuts the stream where it is, even inside an incident: the labels sent match the transactions sent.
  return scenarioItems(scenarioEvents(stream, undefined, plan.untilMs), { transactions: config.topics.transactions, labels: config.topics.labels }, stream.live, options.labelDelayDays);
}

/** Beyond this, Kafka brokers refuse a record timestamp (log.message.timestamp.after.max.ms, 1 h by default). */
const BROKER_FUTURE_LIMIT_MS = 3_600_000;

function describePlan(plan: StreamPlan, logger: Logger, now: number): void {
  const startTime = new Date(plan.startTime).toISOString();
  if (plan.ratePerSecond !== undefined) {
    logger.info({ customers: plan.customers, startTime }, 'live traffic: event time follows the wall clock');
    return;
  }
  const expectedEnd = plan.expectedEnd === undefined ? undefined : new Date(plan.expectedEnd).toISOString();
  logger.info({ customers: plan.customers, startTime, expectedEnd }, "event time follows the population's pace");
  if (plan.expectedEnd === undefined) {
    logger.warn("an endless stream at the population's pace: its event time may run ahead of the wall clock (give --count or --days to end it about now)");
  } else if (plan.expectedEnd > now + BROKER_FUTURE_LIMIT_MS) {
    // Our producer stamps records with the time of writing, but whatever writes at event
    // time downstream (Kafka Streams, for one) will be refused by the broker.
    logger.warn({ expectedEnd }, 'the stream ends more than an hour after now: Kafka refuses records stamped that far ahead to whoever writes at event time (leave --start-time out to end about now)');
  }
}
