import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { z } from 'zod';
import { formatBacktest } from '../backtest/format.ts';
import { labelsFromFile, labelsFromTopic, NO_LABELS, type BacktestLabels } from '../backtest/labels.ts';
import { runBacktest } from '../backtest/run.ts';
import { fileHistory } from '../backtest/source.ts';
import { threadedTopicHistory } from '../backtest/threaded-source.ts';
import type { Config } from '../config/schema.ts';
import { loadModelFile, loadModelText, type LoadedModel } from '../detector/model/loaded.ts';
import { MODEL_FORMAT } from '../model/format.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile, parseRulesetText } from '../detector/rules/load.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { StateLimitsSchema } from '../detector/state/limits.ts';
import { FraudError } from '../errors.ts';
import { openLog } from '../log/open.ts';
import type { Log } from '../log/types.ts';
import { createLogger } from '../observability/logger.ts';
import { RulesInForce } from '../registry/trail.ts';
import { untilStopped } from './lifecycle.ts';
import { addLogOptions, configAndOptions, wholeNumberFlag } from './options.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A time flag: ISO-8601; a bare date is its first second (UTC), or with `endOfDay` the end of it, so "--until 2026-03-31" includes the 31st. */
const timeFlag = (endOfDay: boolean) =>
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date or time')
    .transform((value) => (DATE_ONLY.test(value) ? Date.parse(`${value}T00:00:00Z`) + (endOfDay ? DAY_MS : 0) : Date.parse(value)));

const BacktestFlags = z
  .object({
    candidate: z.string().min(1).optional(),
    candidateModel: z.string().min(1).optional(),
    baseline: z.string().min(1).default('current'),
    baselineModel: z.string().min(1).optional(),
    from: z.string().min(1).optional(),
    since: timeFlag(false).optional(),
    until: timeFlag(true).optional(),
    labels: z.string().min(1).optional(),
    labelsTopic: z.boolean().default(true),
    sample: wholeNumberFlag(0, 10_000),
    out: z.string().min(1).optional(),
    json: z.boolean().default(false),
  })
  .superRefine((flags, context) => {
    if (flags.candidate === undefined && flags.candidateModel === undefined) context.addIssue({ code: 'custom', path: ['candidate'], message: 'is required (a ruleset or a model file), or give --candidate-model' });
    if (flags.since !== undefined && flags.until !== undefined && flags.until <= flags.since) context.addIssue({ code: 'custom', path: ['until'], message: 'must be after --since' });
  });
type BacktestFlags = z.infer<typeof BacktestFlags>;

/** `output` is where the report goes (standard output; a test passes its own). */
export function backtestCommand(output: { write(text: string): unknown } = process.stdout): Command {
  return addLogOptions(new Command('backtest'))
    .description('decide a history with a candidate ruleset or model beside the baseline, and report what would have changed')
    .option('--candidate <file>', 'what to try: a ruleset (YAML or JSON), or a model file (fraud train) with the baseline\'s ruleset')
    .option('--candidate-model <file|none>', 'the candidate\'s model beside a --candidate ruleset (default: the baseline\'s model; "none": without one)')
    .option('--baseline <current|file>', 'what to compare with: "current" (the ruleset published on the rules topic, else the shipped one) or a ruleset file', 'current')
    .option('--baseline-model <current|none|file>', 'the baseline\'s model (default: "current", the model published on the rules topic, with --baseline current; else none)')
    .option('--from <file>', 'the history: transactions as JSON lines, in the order they were streamed (default: the transactions topic)')
    .option('--since <iso>', 'compare decisions from this event time on (a date: its first second, UTC); the history before warms the state')
    .option('--until <iso>', 'compare decisions before this event time (a date: included whole)')
    .option('--labels <file>', 'labels as JSON lines {"id","fraud","knownAt","source"}: folded into the features as they became known, and the truth of precision, recall, AP and CP@100 (default: the labels topic, when reading the transactions topic)')
    .option('--no-labels-topic', 'with the transactions topic and no --labels: no labels')
    .option('--sample <n>', 'changed decisions shown with both sets of reasons (default 10)')
    .option('--out <file>', 'write every changed decision, both sides with reasons, as JSON lines')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(BacktestFlags, flags);
      const logger = createLogger(flags.logLevel === undefined ? 'warn' : config.logLevel);
      if (options.from !== undefined && !existsSync(options.from)) throw new FraudError('FRAUD_USAGE', `cannot read ${options.from}`, { problems: [`--from: no such file ${options.from}`] });
      const candidateIsModel = options.candidate !== undefined && isModelFile(options.candidate);
      if (candidateIsModel && options.candidateModel !== undefined) throw new FraudError('FRAUD_USAGE', 'two candidate models', { problems: ['--candidate-model: --candidate is a model file already'] });
      const candidateRules = options.candidate !== undefined && !candidateIsModel ? loadRulesetFile(options.candidate) : undefined;
      const baselineModelName = options.baselineModel ?? (options.baseline === 'current' ? 'current' : 'none');
      // Model files are checked before the history is read, as the detector checks them at start-up.
      const candidateModelFile = candidateIsModel ? options.candidate : options.candidateModel;
      const givenCandidateModel = candidateModelFile !== undefined && candidateModelFile !== 'none' ? loadModelFile(candidateModelFile) : undefined;
      const givenBaselineModel = baselineModelName !== 'current' && baselineModelName !== 'none' ? loadModelFile(baselineModelName) : undefined;
      const needsLog = options.from === undefined || options.baseline === 'current' || baselineModelName === 'current';
      const log = needsLog ? await openLog(config) : undefined;
      const out = options.out ? createWriteStream(options.out) : undefined;
      const progress = process.stderr.isTTY && !options.json ? progressBar() : undefined;
      try {
        const baseline = await baselineRuleset(options.baseline, log, config);
        const baselineModel = baselineModelName === 'current' ? await modelInForce(log, config) : givenBaselineModel;
        const candidate = candidateRules ?? baseline;
        const candidateModel = candidateModelFile === 'none' ? undefined : (givenCandidateModel ?? baselineModel);
        const labels = await labelsOf(options, log, config);
        const total = options.from === undefined ? await topicSize(log as Log, config.topics.transactions) : statSync(options.from).size;
        const limits = { maxRecordBytes: config.maxRecordBytes };
        const read = { bytes: 0 };
        const report = await untilStopped(logger, (signal) =>
          runBacktest({
            history: options.from === undefined ? threadedTopicHistory(config, { topic: config.topics.transactions, ...limits }) : fileHistory(options.from, limits, read),
            ordered: options.from === undefined,
            baseline,
            candidate,
            models: { baseline: baselineModel, candidate: candidateModel },
            labels,
            since: options.since,
            until: options.until,
            limits: StateLimitsSchema.parse({ retentionDays: config.state.retentionDays }),
            labelIndexDays: config.state.labelIndexDays,
            sampleSize: options.sample ?? 10,
            onChanged: out ? (decision) => out.write(`${JSON.stringify(decision)}\n`) : undefined,
            onProgress: progress ? (records) => progress.update(options.from === undefined ? records : read.bytes, total) : undefined,
            signal,
          }),
        );
        progress?.stop();
        output.write(`${options.json ? JSON.stringify(report, null, 2) : formatBacktest(report)}\n`);
      } catch (error) {
        if (error instanceof FraudError || !(error instanceof Error) || error.name !== 'AbortError') throw error;
        throw new FraudError('FRAUD_USAGE', 'the backtest stopped before it finished; no report');
      } finally {
        progress?.stop();
        if (out) await new Promise((resolve) => out.end(resolve));
        await log?.close();
      }
    });
}

/** "current": what detectors decide with now, the published ruleset, else the shipped one (as `fraud detect` starts). */
async function baselineRuleset(name: string, log: Log | undefined, config: Config): Promise<Ruleset> {
  if (name !== 'current') return loadRulesetFile(name);
  const topics = log ? await log.listTopics() : [];
  if (!log || !topics.includes(config.topics.rules)) return loadRulesetFile(DEFAULT_RULES_FILE);
  const inForce = await new RulesInForce(log, config.topics.rules).current('ruleset');
  if (!inForce) return loadRulesetFile(DEFAULT_RULES_FILE);
  return { ...parseRulesetText(inForce.content, `${config.topics.rules} (${inForce.version})`), version: inForce.version };
}

/** The model detectors score with now: the newest valid one published on the rules topic, if any. */
async function modelInForce(log: Log | undefined, config: Config): Promise<LoadedModel | undefined> {
  if (!log || !(await log.listTopics()).includes(config.topics.rules)) return undefined;
  const inForce = await new RulesInForce(log, config.topics.rules).current('model');
  return inForce ? loadModelText(inForce.content, `${config.topics.rules} (${inForce.version})`, inForce.version) : undefined;
}

/** A model file (fraud train's JSON, `format: "fraud-detector-model"`), not a ruleset. */
function isModelFile(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false; // loadRulesetFile reports the unreadable file
  }
  if (!text.trimStart().startsWith('{')) return false;
  try {
    return (JSON.parse(text) as { format?: unknown }).format === MODEL_FORMAT;
  } catch {
    return false;
  }
}

async function labelsOf(options: BacktestFlags, log: Log | undefined, config: Config): Promise<BacktestLabels> {
  if (options.labels) return labelsFromFile(options.labels);
  if (options.from !== undefined || !options.labelsTopic || !log) return NO_LABELS;
  if (!(await log.listTopics()).includes(config.topics.labels)) return NO_LABELS;
  return labelsFromTopic(log, config.topics.labels);
}

async function topicSize(log: Log, topic: string): Promise<number> {
  if (!(await log.listTopics()).includes(topic)) throw new FraudError('FRAUD_USAGE', `there is no topic ${topic} to backtest on`, { problems: [`--transactions-topic: ${topic} does not exist on this log (or give --from FILE)`] });
  return (await log.partitionBounds(topic)).reduce((sum, bounds) => sum + bounds.end - bounds.start, 0);
}

/** A bar on stderr for a person watching; stdout stays the report's. Records of a topic, bytes of a file. */
function progressBar(): { update: (done: number, total: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'backtest [{bar}] {percentage}% eta {eta_formatted}', clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(Math.max(total, 1), 0);
      started = true;
      bar.update(Math.min(done, total));
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
