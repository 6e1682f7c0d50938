import { ConfigSchema } from '../config/schema.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { join } from 'node:path';
import { runDetector, type DetectorOptions } from '../detector/service.ts';
import { stateOptions } from '../detector/state/options.ts';
import { FraudError } from '../errors.ts';
import type { Log } from '../log/types.ts';
import { createLogger } from '../observability/logger.ts';
import { throwIfInterrupted } from './context.ts';
import { startProfile, type RunningProfile } from './profile.ts';
import type { Progress } from './progress.ts';
import type { PipelineTopics } from './topics.ts';
import type { DetectorRunFigures, ProfileSummary } from './types.ts';

/** Share of the records whose time is left out of the rate: group join, first fetches, JIT. */
const WARMUP_SHARE = 0.1;
/** A run that commits nothing for this long is stuck: it fails rather than hangs the bench. */
const STALL_LIMIT_MS = 60_000;

export interface DetectorRun {
  log: Log;
  topics: PipelineTopics;
  /** Records already in the input topic; the run ends when all of them are committed. */
  records: number;
  exactlyOnce: boolean;
  progress: Progress;
  /** Interrupts the run (it then fails). */
  signal: AbortSignal;
  label: string;
  /** A folder for the run's state store. */
  tempDir: string;
  /** With a folder: a CPU profile of the run is written there under `profileName`. */
  profile?: { dir: string; name: string };
}

interface Marks {
  started: number;
  committed: number;
  batches: number;
  firstAt?: number;
  warm?: { at: number; committed: number };
  lastAt: number;
}

/**
 * Times `runDetector` in this process, with the default configuration and the full default
 * ruleset, over an input topic filled beforehand: from the call until the last of the N
 * outputs is committed with its input positions.
 */
export async function timeDetector(run: DetectorRun): Promise<DetectorRunFigures> {
  const stop = new AbortController();
  const marks: Marks = { started: performance.now(), committed: 0, batches: 0, lastAt: performance.now() };
  const options = detectorOptions(run, marks, stop);
  run.progress.begin(run.label, run.records, 'records');
  const profile: RunningProfile | undefined = run.profile ? await startProfile(run.profile.dir, run.profile.name) : undefined;
  const stall = watchForStall(marks, stop);
  const interrupt = (): void => stop.abort();
  run.signal.addEventListener('abort', interrupt, { once: true });
  let summary: ProfileSummary | undefined;
  marks.started = performance.now();
  try {
    await runDetector(options, stop.signal);
  } finally {
    stall.stop();
    run.signal.removeEventListener('abort', interrupt);
    summary = await profile?.stop();
  }
  throwIfInterrupted(run.signal);
  if (stall.failed) throw new FraudError('FRAUD_LOG_TIMEOUT', `the detector committed ${marks.committed} of ${run.records} records, then nothing for ${STALL_LIMIT_MS / 1000} s`);
  const figures = figuresOf(marks, run);
  run.progress.end(`${figures.recordsPerSec} records/s (start-up ${figures.startupMs} ms)`);
  return summary ? { ...figures, profile: summary } : figures;
}

/** The detector as `fraud detect` runs it with the default settings (batches of 500). */
function detectorOptions(run: DetectorRun, marks: Marks, stop: AbortController): DetectorOptions {
  const defaults = ConfigSchema.parse({});
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  return {
    log: run.log,
    inputTopic: run.topics.transactions,
    outputs: run.topics,
    groupId: `${run.topics.legit}.detector`, // per run: runs may share an input topic
    batchSize: defaults.detector.batchSize,
    exactlyOnce: run.exactlyOnce,
    maxRecordBytes: defaults.maxRecordBytes,
    ruleset: () => ruleset,
    state: stateOptions({ ...defaults.state, dataDir: join(run.tempDir, `state-${run.topics.legit}`) }),
    logger: createLogger('error'),
    onCommitted: (processed) => onCommitted(marks, processed.length, run, stop),
  };
}

function onCommitted(marks: Marks, count: number, run: DetectorRun, stop: AbortController): void {
  const now = performance.now();
  marks.committed += count;
  marks.batches++;
  marks.lastAt = now;
  marks.firstAt ??= now;
  if (!marks.warm && marks.committed >= run.records * WARMUP_SHARE) marks.warm = { at: now, committed: marks.committed };
  run.progress.update(marks.committed);
  if (marks.committed >= run.records) stop.abort();
}

interface StallWatch {
  failed: boolean;
  stop(): void;
}

function watchForStall(marks: Marks, abort: AbortController): StallWatch {
  const watch: StallWatch = { failed: false, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    if (performance.now() - marks.lastAt < STALL_LIMIT_MS) return;
    watch.failed = true;
    abort.abort();
  }, 1000);
  return watch;
}

function figuresOf(marks: Marks, run: DetectorRun): DetectorRunFigures {
  const warm = marks.warm ?? { at: marks.started, committed: 0 };
  const measuredMs = marks.lastAt - warm.at;
  return {
    mode: run.exactlyOnce ? 'exactly-once' : 'at-least-once',
    records: marks.committed,
    recordsPerSec: measuredMs > 0 ? Math.round(((marks.committed - warm.committed) * 1000) / measuredMs) : 0,
    overallPerSec: Math.round((marks.committed * 1000) / Math.max(1, marks.lastAt - marks.started)),
    startupMs: Math.round((marks.firstAt ?? marks.lastAt) - marks.started),
    batches: marks.batches,
  };
}
