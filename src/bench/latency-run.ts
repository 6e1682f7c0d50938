import { FraudError } from '../errors.ts';
import { TrafficGenerator } from '../generator/traffic.ts';
import type { Log, LogProducer, OutgoingRecord } from '../log/types.ts';
import type { FraudChild } from './child.ts';
import { throwIfInterrupted } from './context.ts';
import { DecisionWatch, LatencyWindow } from './decision-watch.ts';
import { sendPaced } from './pacer.ts';
import type { Progress } from './progress.ts';
import type { PipelineTopics } from './topics.ts';
import type { LatencyRun } from './types.ts';
import { trafficOptions, WORKLOAD_SEED } from './workload.ts';

/** A detector just started is still compiling its hot paths: the first rate gets at least this much warm-up. */
const FIRST_WARMUP_SECONDS = 3;
/** Long enough for a child detector to start (tsx, ruleset, group join) and decide its first records. */
const READY_TIMEOUT_MS = 120_000;
const PROBES = 10;

/** A running pipeline: a detector (its own process) between this process's producer and reader. */
export interface PipelineUnderTest {
  signal: AbortSignal;
  log: Log;
  topics: PipelineTopics;
  detector: FraudChild;
  mode: LatencyRun['mode'];
  progress: Progress;
}

export interface LatencyPlan {
  rates: number[];
  seconds: number;
  warmupSeconds: number;
}

interface Session {
  pipeline: PipelineUnderTest;
  producer: LogProducer;
  watch: DecisionWatch;
  generator: TrafficGenerator;
}

/** Waits for the detector to answer, then measures each rate in turn: warm-up, window, drain. */
export async function measureLatency(pipeline: PipelineUnderTest, plan: LatencyPlan): Promise<LatencyRun[]> {
  const { log, topics } = pipeline;
  const consumer = await log.createConsumer({ topics: [topics.legit, topics.fraud, topics.deadLetter], startFrom: 'earliest' });
  const producer = await log.createProducer();
  const watch = new DecisionWatch(consumer);
  const stopReading = new AbortController();
  const reading = watch.run(stopReading.signal);
  const session: Session = { pipeline, producer, watch, generator: new TrafficGenerator(trafficOptions(WORKLOAD_SEED + 3)) };
  try {
    await untilReady(session);
    const runs: LatencyRun[] = [];
    for (const [index, rate] of plan.rates.entries()) {
      const warmupSeconds = index === 0 ? Math.max(plan.warmupSeconds, FIRST_WARMUP_SECONDS) : plan.warmupSeconds;
      runs.push(await measureRate(session, rate, { ...plan, warmupSeconds }));
    }
    return runs;
  } finally {
    stopReading.abort();
    await reading;
    await producer.close();
    await consumer.close();
  }
}

async function untilReady(session: Session): Promise<void> {
  const { pipeline, producer, watch } = session;
  pipeline.progress.note(`waiting for the ${pipeline.log.kind} detector (${pipeline.mode}) to decide its first records`);
  const probes = new LatencyWindow();
  const record = recordFor(session, probes);
  await producer.send(Array.from({ length: PROBES }, () => record(performance.now(), Date.now())));
  if (!(await watch.drain(READY_TIMEOUT_MS, () => stillRunning(pipeline)))) {
    throw new FraudError('FRAUD_LOG_TIMEOUT', `the detector decided ${probes.decided} of ${PROBES} probe transactions in ${READY_TIMEOUT_MS / 1000} s`);
  }
}

async function measureRate(session: Session, rate: number, plan: LatencyPlan): Promise<LatencyRun> {
  const { pipeline, producer, watch } = session;
  const label = `${pipeline.log.kind === 'kafka' ? 'd' : 'e'} latency, ${pipeline.log.kind} ${pipeline.mode}, ${rate}/s`;
  const { signal } = pipeline;
  await sendPaced({ producer, rate, durationMs: plan.warmupSeconds * 1000, record: recordFor(session, new LatencyWindow()), signal });
  const window = new LatencyWindow();
  pipeline.progress.begin(label, plan.seconds, 's');
  const sending = await sendPaced({
    producer,
    rate,
    durationMs: plan.seconds * 1000,
    record: recordFor(session, window),
    onTick: (elapsedMs) => pipeline.progress.update(elapsedMs / 1000),
    signal,
  });
  throwIfInterrupted(signal);
  const backlog = window.sent - window.decided;
  const drained = await watch.drain(Math.max(10_000, plan.seconds * 1000), () => stillRunning(pipeline));
  const undecided = drained ? 0 : (watch.abandon().get(window) ?? 0);
  const run = latencyRun({ pipeline, rate, window, backlog, undecided, elapsedMs: sending.elapsedMs });
  pipeline.progress.end(`p50 ${run.p50} ms, p99 ${run.p99} ms, p99.9 ${run.p999} ms at ${run.achievedPerSec}/s${run.sustained ? '' : ' (not sustained)'}`);
  return run;
}

function stillRunning(pipeline: PipelineUnderTest): void {
  throwIfInterrupted(pipeline.signal);
  pipeline.detector.assertAlive();
}

/** The record due at a moment, its transaction stamped with that moment and expected back. */
function recordFor(session: Session, window: LatencyWindow): (scheduledAt: number, epochMs: number) => OutgoingRecord {
  const topic = session.pipeline.topics.transactions;
  return (scheduledAt, epochMs) => {
    const transaction = session.generator.next().transaction;
    // Event time is wall time, as for live traffic, so windows hold what a live second holds.
    transaction.timestamp = new Date(epochMs).toISOString();
    session.watch.expect(transaction.id, scheduledAt, window);
    return { topic, key: transaction.source, value: JSON.stringify(transaction) };
  };
}

interface Measured {
  pipeline: PipelineUnderTest;
  rate: number;
  window: LatencyWindow;
  backlog: number;
  undecided: number;
  elapsedMs: number;
}

export function latencyRun({ pipeline, rate, window, backlog, undecided, elapsedMs }: Measured): LatencyRun {
  const seconds = elapsedMs / 1000;
  const summary = window.histogram.summary();
  const achievedPerSec = Math.round(window.sent / seconds);
  const backlogSeconds = Math.round((backlog / rate) * 100) / 100;
  return {
    log: pipeline.log.kind,
    mode: pipeline.mode,
    targetPerSec: rate,
    achievedPerSec,
    decidedPerSec: Math.round((window.sent - backlog) / seconds),
    seconds: Math.round(seconds * 10) / 10,
    ...summary,
    backlogAtEnd: backlog,
    backlogSeconds,
    undecided,
    sustained: achievedPerSec >= rate * 0.95 && backlogSeconds <= 1 && undecided === 0,
  };
}
