import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FraudError } from '../errors.ts';
import { benchBroker, type BenchBroker } from './broker.ts';
import type { StageContext } from './context.ts';
import { runApiStage } from './api.ts';
import { runBacktestStage } from './backtest.ts';
import { runDashboardStage } from './dashboard.ts';
import { runDetectorStage } from './detector.ts';
import { runEmbeddedStage } from './embedded.ts';
import { runKafkaTools } from './kafka-tools.ts';
import { runPeerStage } from './kstreams-peer.ts';
import { runLatencyStage } from './latency.ts';
import { runMemoryStage } from './memory.ts';
import { runStateScaleStage } from './state-scale.ts';
import type { BenchOptions } from './options.ts';
import { runClients } from './producer.ts';
import type { Progress } from './progress.ts';
import { deleteKafkaTopics } from './topics.ts';
import type { BenchResult, StageFailure, StageId } from './types.ts';
import { runStartupStage } from './startup.ts';
import { prepareWorkload } from './workload.ts';

interface Stage {
  title: string;
  kafka: boolean;
  run(context: StageContext): Promise<void>;
}

/** Each stage stores its figures; a stage that throws is reported and the others still run. */
const STAGES: Record<StageId, Stage> = {
  a: { title: "Kafka's own tools", kafka: true, run: async (c) => void (c.figures.kafkaTools = await runKafkaTools(c)) },
  b: { title: 'our producer and consumer', kafka: true, run: async (c) => void (c.figures.clients = await runClients(c)) },
  c: { title: 'detector rate on Kafka', kafka: true, run: async (c) => void (c.figures.detector = await runDetectorStage(c)) },
  d: { title: 'end-to-end latency on Kafka', kafka: true, run: async (c) => void (c.figures.latency = await runLatencyStage(c)) },
  e: { title: 'the embedded log', kafka: false, run: async (c) => void (c.figures.embedded = await runEmbeddedStage(c)) },
  f: { title: 'detector memory', kafka: false, run: async (c) => void (c.figures.memory = await runMemoryStage(c)) },
  g: { title: 'dashboard under load', kafka: true, run: async (c) => void (c.figures.dashboard = await runDashboardStage(c)) },
  h: { title: 'state at scale and a restart on it', kafka: false, run: async (c) => void (c.figures.stateScale = await runStateScaleStage(c)) },
  i: { title: 'decision API under HTTP load', kafka: true, run: async (c) => void (c.figures.api = await runApiStage(c)) },
  j: { title: 'start-up of fraud commands', kafka: false, run: async (c) => void (c.figures.startup = await runStartupStage(c)) },
  k: { title: 'backtest of a ruleset change', kafka: false, run: async (c) => void (c.figures.backtest = await runBacktestStage(c)) },
  l: { title: 'the Kafka Streams peer on the same broker', kafka: true, run: async (c) => void (c.figures.peer = await runPeerStage(c)) },
};

/** Runs the chosen stages in order against one broker, then stops what it started and removes what it made. */
export async function runBench(options: BenchOptions, progress: Progress, signal: AbortSignal = new AbortController().signal): Promise<BenchResult> {
  const startedAt = new Date();
  const started = performance.now();
  const tempDir = await mkdtemp(join(tmpdir(), 'fraud-bench-'));
  try {
    const workload = await prepareWorkload(tempDir);
    const context: StageContext = { sizes: options.sizes, workload, kafka: undefined, progress, tempDir, cpuProfDir: options.cpuProfDir, figures: {}, createdTopics: [], signal };
    const failures: StageFailure[] = [];
    const stageSeconds: BenchResult['stageSeconds'] = {};
    const stageLoad: BenchResult['stageLoad'] = {};
    const broker = await brokerFor(options, progress, failures);
    context.kafka = broker?.target;
    try {
      for (const id of options.stages) {
        if (signal.aborted) failures.push({ stage: id, error: 'interrupted before it started' });
        else await runStage(id, context, { failures, stageSeconds, stageLoad });
      }
    } finally {
      await cleanUp(broker, context);
    }
    return {
      quick: options.quick,
      startedAt: startedAt.toISOString(),
      seconds: Math.round((performance.now() - started) / 100) / 10,
      machine: { cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
      kafka: broker ? { brokers: broker.target.brokers, startedByBench: broker.startedByBench, version: broker.version } : undefined,
      workload: workload.figures,
      stages: options.stages,
      figures: context.figures,
      stageSeconds,
      stageLoad,
      failures,
    };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** Without a broker the Kafka stages fail (each says why) and the others still run. */
async function brokerFor(options: BenchOptions, progress: Progress, failures: StageFailure[]): Promise<BenchBroker | undefined> {
  if (!options.stages.some((id) => STAGES[id].kafka)) return undefined;
  try {
    return await benchBroker(options.brokers, progress);
  } catch (error) {
    progress.note(`no Kafka broker: ${describe(error)}`);
    for (const id of options.stages) if (STAGES[id].kafka) failures.push({ stage: id, error: `no Kafka broker: ${describe(error)}` });
    return undefined;
  }
}

async function runStage(id: StageId, context: StageContext, record: Pick<BenchResult, 'failures' | 'stageSeconds' | 'stageLoad'>): Promise<void> {
  const stage = STAGES[id];
  if (stage.kafka && !context.kafka) return; // already reported by brokerFor
  context.progress.note(`stage ${id}: ${stage.title}`);
  const started = performance.now();
  try {
    await stage.run(context);
  } catch (error) {
    context.progress.stop();
    context.progress.note(`stage ${id} failed: ${describe(error)}`);
    record.failures.push({ stage: id, error: describe(error) });
  } finally {
    record.stageSeconds[id] = Math.round((performance.now() - started) / 100) / 10;
    record.stageLoad[id] = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  }
}

async function cleanUp(broker: BenchBroker | undefined, context: StageContext): Promise<void> {
  if (!broker) return;
  if (context.createdTopics.length > 0) {
    const failed = await deleteKafkaTopics(broker.target.logOptions, context.createdTopics);
    if (failed) context.progress.note(`could not delete the bench topics: ${failed}`);
  }
  await broker.stop();
}

function describe(error: unknown): string {
  if (error instanceof FraudError) return [error.message, ...error.problems].join('; ');
  return error instanceof Error ? error.message : String(error);
}
