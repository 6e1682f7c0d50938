import { join } from 'node:path';
import { openEmbeddedLog } from '../log/embedded/index.ts';
import type { Log } from '../log/types.ts';
import { childEnv, spawnFraud } from './child.ts';
import type { StageContext } from './context.ts';
import { timeDetector } from './detector-run.ts';
import { measureLatency } from './latency-run.ts';
import { prefill } from './prefill.ts';
import { createTopics, dataTopics, freshTopics } from './topics.ts';
import type { DetectorRunFigures, EmbeddedFigures, LatencyRun } from './types.ts';

const EMBEDDED_LATENCY_RATE = 1000;

/**
 * Stage (e): the same measurements on the embedded SQLite log, in a folder of this run:
 * the detector's rate over a pre-filled topic (in this process; every batch is one SQLite
 * transaction, so exactly-once), and end-to-end latency at 1,000/s with `fraud detect`
 * as its own process sharing the file, as the three-terminal setup runs.
 */
export async function runEmbeddedStage(context: StageContext): Promise<EmbeddedFigures> {
  const dataDir = join(context.tempDir, 'embedded');
  const log = openEmbeddedLog({ dataDir });
  try {
    const detector = await detectorRate(context, log);
    const latency = await latencyAt1000(context, log, dataDir);
    return { detector, latency };
  } finally {
    await log.close();
  }
}

async function detectorRate(context: StageContext, log: Log): Promise<DetectorRunFigures> {
  const topics = freshTopics('e');
  const records = context.sizes.embeddedRecords;
  await createTopics(log, dataTopics(topics));
  await prefill(log, topics.transactions, records, context.progress);
  return timeDetector({
    log,
    topics,
    records,
    exactlyOnce: true,
    progress: context.progress,
    signal: context.signal,
    tempDir: context.tempDir,
    label: 'e detector on the embedded log',
    profile: context.cpuProfDir ? { dir: context.cpuProfDir, name: 'detector-embedded' } : undefined,
  });
}

async function latencyAt1000(context: StageContext, log: Log, dataDir: string): Promise<LatencyRun> {
  const topics = freshTopics('e-lat');
  await createTopics(log, dataTopics(topics));
  const detector = spawnFraud(['detect', '--data-dir', dataDir, '--group', `${topics.transactions}.detector`], childEnv(topics));
  try {
    const plan = { rates: [EMBEDDED_LATENCY_RATE], seconds: context.sizes.embeddedLatencySeconds, warmupSeconds: context.sizes.latencyWarmupSeconds };
    const [run] = await measureLatency({ log, topics, detector, mode: 'exactly-once', progress: context.progress, signal: context.signal }, plan);
    if (!run) throw new Error('no latency measured');
    return run;
  } finally {
    await detector.stop();
  }
}
