import { basename } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { FraudError } from '../errors.ts';
import { openLog } from '../log/open.ts';
import { createLogger } from '../observability/logger.ts';
import { runTraining, TRAIN_DEFAULTS, type TrainReport } from '../train/run.ts';
import { formatTrainReport } from '../train/format.ts';
import { untilStopped } from './lifecycle.ts';
import { addLogOptions, configAndOptions, wholeNumberFlag } from './options.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A time flag: ISO-8601; a bare date means its start (UTC), or with `endOfDay` the end of that day, so "--until 2018-07-31" includes the 31st. */
const timeFlag = (endOfDay: boolean, required = false) =>
  z
    .string(required ? { error: 'is required' } : undefined)
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date or time')
    .transform((value) => (DATE_ONLY.test(value) ? Date.parse(`${value}T00:00:00Z`) + (endOfDay ? DAY_MS : 0) : Date.parse(value)));

const positiveNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number')
  .transform(Number);

const TrainFlags = z
  .object({
    from: z.string().min(1).optional(),
    topic: z.string().min(1).optional(),
    labels: z.string({ error: 'is required' }).min(1, 'is required'),
    since: timeFlag(false, true),
    until: timeFlag(true, true),
    delayDays: positiveNumber.pipe(z.number().max(365, 'must be at most 365')).default(7),
    testSince: timeFlag(false).optional(),
    testUntil: timeFlag(true).optional(),
    out: z.string({ error: 'is required' }).min(1, 'is required'),
    id: z.string().min(1).max(200).optional(),
    rules: z.string().min(1).optional(),
    trees: wholeNumberFlag(1, 5000),
    maxDepth: wholeNumberFlag(1, 16),
    learningRate: positiveNumber.pipe(z.number().gt(0).max(1, 'must be within (0, 1]')).optional(),
    seed: wholeNumberFlag(0, 2 ** 31 - 1),
    json: z.boolean().default(false),
  })
  .superRefine((flags, context) => {
    if (flags.until <= flags.since) context.addIssue({ code: 'custom', path: ['until'], message: 'must be after --since' });
    if (flags.testSince !== undefined && flags.testUntil !== undefined && flags.testUntil <= flags.testSince) {
      context.addIssue({ code: 'custom', path: ['testUntil'], message: 'must be after --test-since' });
    }
  });

/** Checks across flags, made on the raw flags so they are listed even when a flag's own value is wrong too. */
function crossProblems(flags: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if ((flags.from === undefined) === (flags.topic === undefined)) problems.push('--from: give exactly one of --from FILE and --topic T');
  if ((flags.testSince === undefined) !== (flags.testUntil === undefined)) problems.push('--test-since: give both --test-since and --test-until, or neither');
  return problems;
}

function parseFlags(flags: Record<string, unknown>): ReturnType<typeof configAndOptions<typeof TrainFlags>> {
  const cross = crossProblems(flags);
  try {
    const parsed = configAndOptions(TrainFlags, flags);
    if (cross.length > 0) throw new FraudError('FRAUD_CONFIG_INVALID', `the configuration has ${cross.length} problem(s)`, { problems: cross });
    return parsed;
  } catch (error) {
    if (!(error instanceof FraudError) || cross.length === 0 || error.problems.some((p) => cross.includes(p))) throw error;
    const problems = [...error.problems, ...cross];
    throw new FraudError('FRAUD_CONFIG_INVALID', `the configuration has ${problems.length} problem(s)`, { problems });
  }
}

/** `output` is where the report goes (standard output; a test passes its own). */
export function trainCommand(output: { write(text: string): unknown } = process.stdout): Command {
  return addLogOptions(new Command('train'))
    .description("train a fraud model on a labelled history, through the detector's own feature code")
    .option('--from <file>', 'the history: transactions as JSON lines, in the order they were streamed')
    .option('--topic <name>', 'the history: a topic (on Kafka with --brokers, else the embedded log)')
    .option('--labels <file>', 'labels as JSON lines: {"id","fraud","knownAt","source"} (scripts/handbook-labels.ts converts the Handbook\'s)')
    .option('--since <iso>', 'start of the training period (a date: its first second, UTC)')
    .option('--until <iso>', 'end of the training period, exclusive (a date: included whole)')
    .option('--delay-days <d>', 'days labels take to arrive: a row is fraud if a label says so by its time plus this (default 7)')
    .option('--test-since <iso>', 'start of the held-out period (default: --until plus the delay)')
    .option('--test-until <iso>', 'end of the held-out period (default: as long as the training period)')
    .option('--out <file>', 'where to write the model (JSON)')
    .option('--id <name>', 'the model id written in the file (default: the file name)')
    .option('--rules <file>', 'the ruleset whose feature settings and thresholds to use (default: the shipped one)')
    .option('--trees <n>', 'boosting rounds (default 300)')
    .option('--max-depth <n>', 'depth of each tree (default 4)')
    .option('--learning-rate <x>', 'shrinkage of each tree (default 0.05)')
    .option('--seed <n>', 'seed of the row and feature sampling (default 1)')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = parseFlags(flags);
      const logger = createLogger(flags.logLevel === undefined ? 'warn' : config.logLevel);
      const ruleset = loadRulesetFile(options.rules ?? DEFAULT_RULES_FILE);
      const log = options.topic === undefined ? undefined : await openLog(config);
      try {
        const report: TrainReport = await untilStopped(logger, (signal) =>
          runTraining({
            source: log && options.topic ? { kind: 'topic', topic: options.topic, log } : { kind: 'file', path: options.from as string },
            labelsFile: options.labels,
            since: options.since,
            until: options.until,
            testSince: options.testSince,
            testUntil: options.testUntil,
            delayDays: options.delayDays,
            ruleset,
            out: options.out,
            modelId: options.id ?? basename(options.out).replace(/\.json$/, ''),
            hyperParameters: {
              ...TRAIN_DEFAULTS,
              ...(options.trees === undefined ? {} : { trees: options.trees }),
              ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
              ...(options.learningRate === undefined ? {} : { learningRate: options.learningRate }),
              ...(options.seed === undefined ? {} : { seed: options.seed }),
            },
            maxRecordBytes: config.maxRecordBytes,
            onProgress: (phase, done) => logger.info({ phase, done }, 'training'),
            signal,
          }),
        );
        output.write(`${options.json ? JSON.stringify(report, null, 2) : formatTrainReport(report)}\n`);
      } catch (error) {
        if (error instanceof FraudError || !(error instanceof Error) || error.name !== 'AbortError') throw error;
        throw new FraudError('FRAUD_USAGE', 'training stopped before it finished; no model written');
      } finally {
        await log?.close();
      }
    });
}
