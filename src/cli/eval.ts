import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { DEFAULT_RULES_FILE } from '../detector/rules/load.ts';
import { EVAL_DEFAULTS, SEED_RULES_FILE, type EvalProgress } from '../eval/options.ts';
import { formatReport } from '../eval/format.ts';
import { runEval } from '../eval/run.ts';
import { randomSeed } from '../generator/random.ts';
import { DEFAULT_MIX, leastIncidentShare, MixFlag, type Mix } from '../generator/scenarios/mix.ts';
import { customersForSpan } from '../generator/pace.ts';
import { createLogger } from '../observability/logger.ts';
import { untilStopped } from './lifecycle.ts';
import { daysFlag, labelDelayDaysFlag, parseCommandOptions, wholeNumberFlag } from './options.ts';

const EvalFlags = z
  .object({
    seed: wholeNumberFlag(0, 2 ** 31 - 1),
    transactions: wholeNumberFlag(1, 10_000_000),
    customers: wholeNumberFlag(1, 10_000_000),
    days: daysFlag,
    rate: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number')
      .transform(Number)
      .pipe(z.number().gt(0, 'must be above 0').max(100_000, 'must be at most 100000'))
      .optional(),
    partitions: wholeNumberFlag(1, 64),
    rules: z.string().min(1).optional(),
    baseline: z.string().min(1).optional(),
    startTime: z
      .string()
      .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date')
      .transform((value) => Date.parse(value))
      .optional(),
    mix: MixFlag,
    model: z.string().min(1).optional(),
    train: z.boolean().default(false),
    trainSeed: wholeNumberFlag(0, 2 ** 31 - 1),
    labelDelayDays: labelDelayDaysFlag,
    json: z.boolean().default(false),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  })
  .superRefine((options, context) => {
    if (options.customers !== undefined && options.days !== undefined) {
      context.addIssue({ code: 'custom', path: ['days'], message: 'give --customers or --days, not both (--days sizes the population)' });
    }
    if (options.model !== undefined && options.train) {
      context.addIssue({ code: 'custom', path: ['train'], message: 'give --model or --train, not both' });
    }
    if (options.trainSeed !== undefined && !options.train) {
      context.addIssue({ code: 'custom', path: ['trainSeed'], message: '--train-seed needs --train' });
    }
  });

/** `output` is where the report goes (standard output; a test passes its own). */
export function evalCommand(output: { write(text: string): unknown } = process.stdout): Command {
  return new Command('eval')
    .description('run a labelled scenario stream through the detector and score it against the seed rule')
    .option('--seed <n>', 'seed of the scenario stream (default: random, printed)')
    .option('--transactions <n>', `transactions in the stream (default ${EVAL_DEFAULTS.transactions})`)
    .option('--customers <n>', `population of the stream, each customer paying a few times a week (default ${EVAL_DEFAULTS.customers.toLocaleString('en-US')}: about 30 simulated days)`)
    .option('--days <d>', 'simulated days the stream spans: sizes the population to fit --transactions')
    .option('--rate <n>', "a steady rate of simulated transactions per second instead of the population's own pace (the clock of earlier versions, for comparisons)")
    .option('--partitions <n>', `partitions of the evaluation topics (default ${EVAL_DEFAULTS.partitions})`)
    .option('--rules <file>', 'the ruleset to score (default: the shipped one)')
    .option('--baseline <file>', 'the ruleset to compare with (default: rules/seed.yaml, the seed rule)')
    .option('--start-time <iso>', `event time of the first transaction (default ${new Date(EVAL_DEFAULTS.startTime).toISOString()})`)
    .option('--mix <list>', 'incidents per 10,000 transactions, e.g. card-testing=8,payroll=0 (default 6 of each)')
    .option('--model <file>', 'a trained model (fraud train): also scores the model alone and the ruleset with it')
    .option('--train', 'train a model first (as fraud train does) on another seed\'s stream of the same size, then score as --model does')
    .option('--train-seed <n>', 'seed of the training stream with --train (default: the seed + 1)')
    .option('--label-delay-days <d>', `days after each transaction its label is known to the detector (default ${EVAL_DEFAULTS.labelDelayDays})`)
    .option('--json', 'print the figures as JSON on stdout')
    .addOption(new Option('--log-level <level>', 'log level (default warn)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .action((flags: Record<string, unknown>) => evaluate(flags, output));
}

async function evaluate(flags: Record<string, unknown>, output: { write(text: string): unknown }): Promise<void> {
  const options = parseCommandOptions(EvalFlags, flags);
  const transactions = options.transactions ?? EVAL_DEFAULTS.transactions;
  const logger = createLogger(options.logLevel);
  const progress = process.stderr.isTTY ? progressBar() : undefined;
  const seed = options.seed ?? randomSeed();
  const report = await untilStopped(logger, (signal) =>
    runEval({
      seed,
      transactions,
      customers: options.customers ?? (options.days === undefined ? EVAL_DEFAULTS.customers : customersForSpan(background(transactions, options.mix), options.days)),
      ratePerSecond: options.rate,
      startTime: options.startTime ?? EVAL_DEFAULTS.startTime,
      partitions: options.partitions ?? EVAL_DEFAULTS.partitions,
      rulesFile: options.rules ?? DEFAULT_RULES_FILE,
      baselineFile: options.baseline ?? SEED_RULES_FILE,
      mix: options.mix,
      labelDelayDays: options.labelDelayDays,
      ...(options.model ? { model: { file: options.model } } : options.train ? { model: { trainSeed: options.trainSeed ?? (seed + 1) % 2 ** 31 } } : {}),
      logger,
      onProgress: progress?.update,
      signal,
    }),
  ).finally(() => progress?.stop());
  const baselineName = options.baseline === undefined ? 'seed rule' : 'baseline';
  output.write(`${options.json ? JSON.stringify(report, null, 2) : formatReport(report, baselineName)}\n`);
}

/** Background transactions of a stream of `transactions` (incidents add their own). */
function background(transactions: number, mix: Partial<Mix> | undefined): number {
  return transactions / (1 + leastIncidentShare({ ...DEFAULT_MIX, ...mix }));
}

const PHASES: Record<EvalProgress['phase'], string> = {
  produce: 'generating',
  train: 'training on another seed',
  ours: 'detecting (ours)',
  baseline: 'detecting (baseline)',
  model: 'detecting (model alone)',
  combined: 'detecting (ours + model)',
};

/** A bar on stderr for a person watching; stdout stays the report's. */
function progressBar(): { update: (progress: EvalProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{phase} [{bar}] {value}/{total}', clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: EvalProgress['phase'] | undefined;
  return {
    update: (progress) => {
      if (phase === undefined) bar.start(progress.total, progress.done, { phase: PHASES[progress.phase] });
      else if (phase !== progress.phase) bar.setTotal(progress.total);
      phase = progress.phase;
      bar.update(Math.min(progress.done, progress.total), { phase: PHASES[progress.phase] });
    },
    stop: () => bar.stop(),
  };
}
