import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transaction } from '../domain/transaction.ts';
import { FraudError } from '../errors.ts';
import { TrafficGenerator } from '../generator/traffic.ts';
import { openEmbeddedLog } from '../log/embedded/index.ts';
import type { Log } from '../log/types.ts';
import { sleep } from '../util/wait.ts';
import { loadAt } from './api-load.ts';
import { childEnv, spawnFraud, type FraudChild } from './child.ts';
import { requireKafka, throwIfInterrupted, withKafkaLog, type StageContext } from './context.ts';
import { createTopics, dataTopics, freshTopics, type PipelineTopics } from './topics.ts';
import type { ApiLogFigures, ApiRun } from './types.ts';
import { trafficOptions, WORKLOAD_SEED } from './workload.ts';

const READY_TIMEOUT_MS = 120_000;
/** Distinct generated transactions the requests cycle through (each request still gets its own id). */
const BODY_POOL = 5000;
/** The rate the issue asks the API to sustain with p99 under this. */
const SUSTAINED_P99_MS = 50;

/**
 * Stage (i): the decision API under HTTP load, on the embedded log and on Kafka, exactly
 * once. `fraud detect` and `fraud api` run as their own processes, as deployed; the
 * open-loop load generator in this process posts a new generated transaction per request
 * at fixed rates, then at rising rates until one is not sustained with p99 under 50 ms.
 */
export async function runApiStage(context: StageContext): Promise<ApiLogFigures[]> {
  const target = requireKafka(context);
  const figures: ApiLogFigures[] = [];
  const dataDir = join(context.tempDir, 'api-embedded');
  const embedded = openEmbeddedLog({ dataDir });
  try {
    figures.push(await onLog(context, embedded, ['--data-dir', dataDir]));
  } finally {
    await embedded.close();
  }
  throwIfInterrupted(context.signal);
  const topicsOf: PipelineTopics[] = [];
  figures.push(await withKafkaLog(target, (log) => onLog(context, log, ['--brokers', target.brokers], topicsOf, target.brokerPid)));
  context.createdTopics.push(...topicsOf);
  return figures;
}

async function onLog(context: StageContext, log: Log, where: string[], created: PipelineTopics[] = [], brokerPid?: number): Promise<ApiLogFigures> {
  const topics = freshTopics(`h-${log.kind}`);
  created.push(topics);
  await createTopics(log, dataTopics(topics));
  const env = childEnv(topics);
  const detector = spawnFraud(['detect', ...where, '--group', `${topics.transactions}.detector`], env);
  const api = spawnFraud(['api', ...where, '--api-port', '0'], env);
  try {
    const url = await urlOf(api);
    const body = bodies();
    await untilDeciding(url, body, [detector, api], context.signal);
    return await measure(context, { url, body, log: log.kind, children: [detector, api], brokerPid });
  } finally {
    await Promise.all([api.stop(), detector.stop()]);
  }
}

interface Target {
  url: string;
  body: () => string;
  log: ApiRun['log'];
  children: FraudChild[];
  /** The Kafka broker's process, when it is the bench's own: its CPU per request is reported too. */
  brokerPid: number | undefined;
}

async function measure(context: StageContext, target: Target): Promise<ApiLogFigures> {
  const { apiRates, apiSeconds, apiWarmupSeconds, apiLadder, apiLadderSeconds } = context.sizes;
  const { signal } = context;
  const at = async (rate: number, seconds: number, label: string): Promise<ApiRun> => {
    context.progress.note(`h ${label} ${target.log}: ${rate} requests/s for ${seconds} s`);
    const before = await cpuNow(target.children, target.brokerPid);
    const measured = await loadAt({ url: target.url, rate, seconds, body: target.body, log: target.log, signal });
    const after = await cpuNow(target.children, target.brokerPid);
    const perRequest = (used: number): number => (measured.requests > 0 ? Math.round((used / measured.requests) * 100) / 100 : 0);
    const run: ApiRun = {
      ...measured,
      cpuMsPerRequest: {
        detector: perRequest(after.detector - before.detector),
        api: perRequest(after.api - before.api),
        loadGenerator: perRequest(after.self - before.self),
        ...(target.brokerPid === undefined ? {} : { broker: perRequest(after.broker - before.broker) }),
      },
    };
    for (const child of target.children) child.assertAlive();
    throwIfInterrupted(signal);
    const cpu = run.cpuMsPerRequest;
    context.progress.note(`  p50 ${run.p50} / p99 ${run.p99} / p99.9 ${run.p999} ms at ${run.achievedPerSec}/s, ${JSON.stringify(run.statuses)}${run.sustained ? '' : ' (not sustained)'}; CPU ms/request: detector ${cpu?.detector}, api ${cpu?.api}, load generator ${cpu?.loadGenerator}${cpu?.broker === undefined ? '' : `, broker ${cpu.broker}`}`);
    return run;
  };
  // Not counted: connections, the detector's first batches, and JIT compilation, the
  // broker's above all. A broker started minutes ago still spends 40% of a core in its C2
  // compiler under this load (measured), which a broker that has run for days does not.
  await at(apiRates[1] ?? apiRates[0] ?? 1000, apiWarmupSeconds, 'warm-up');
  const runs: ApiRun[] = [];
  for (const rate of apiRates) runs.push(await at(rate, apiSeconds, 'api'));
  const ladder: ApiRun[] = [];
  const passes = (run: ApiRun): boolean => run.sustained && run.p99 < SUSTAINED_P99_MS;
  if (runs.every(passes)) {
    for (const rate of apiLadder) {
      const run = await at(rate, apiLadderSeconds, 'api ladder');
      ladder.push(run);
      if (!passes(run)) break;
    }
  }
  const maxSustainedPerSec = Math.max(0, ...[...runs, ...ladder].filter(passes).map((run) => run.targetPerSec));
  return { log: target.log, runs, ladder, maxSustainedPerSec };
}

/**
 * A new transaction per request: generated ones, made before any run (the generator costs
 * a fraction of a millisecond each, which would slow the load generator down), each sent
 * with an id of its own and stamped with the wall time, as live traffic is.
 */
function bodies(): () => string {
  const generator = new TrafficGenerator(trafficOptions(WORKLOAD_SEED + 8));
  const pool: Transaction[] = Array.from({ length: BODY_POOL }, () => generator.next().transaction);
  const run = randomBytes(4).toString('hex');
  let sent = 0;
  return () => {
    const transaction = pool[sent % BODY_POOL] as Transaction;
    sent++;
    return JSON.stringify({ ...transaction, id: `bench-${run}-${sent}`, timestamp: new Date().toISOString() });
  };
}

async function urlOf(api: FraudChild): Promise<string> {
  const line = await Promise.race([api.firstLine, sleep(READY_TIMEOUT_MS).then(() => '')]);
  if (!/^http:\/\/\S+\/$/.test(line)) throw new FraudError('FRAUD_LOG_TIMEOUT', `fraud api printed no URL within ${READY_TIMEOUT_MS / 1000} s: ${line}`);
  return line;
}

/** CPU time used so far (ms) by the detector and API processes, the broker, and this one (the load generator). */
async function cpuNow([detector, api]: FraudChild[], brokerPid: number | undefined): Promise<{ detector: number; api: number; broker: number; self: number }> {
  const own = process.cpuUsage();
  return { detector: await cpuMsOf(detector?.pid), api: await cpuMsOf(api?.pid), broker: await cpuMsOf(brokerPid), self: (own.user + own.system) / 1000 };
}

/** utime + stime of a process from /proc (Linux), in ms; 0 where it cannot be read. */
async function cpuMsOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ = 100
  } catch {
    return 0;
  }
}

/** Posts one transaction again and again until it is answered with a decision: both processes are up. */
async function untilDeciding(url: string, body: () => string, children: FraudChild[], signal: AbortSignal): Promise<void> {
  const probe = body();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    throwIfInterrupted(signal);
    for (const child of children) child.assertAlive();
    const response = await fetch(`${url}v1/decisions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: probe }).catch(() => undefined);
    if (response?.status === 200) return;
    await response?.arrayBuffer();
    await sleep(200, signal);
  }
  throw new FraudError('FRAUD_LOG_TIMEOUT', `no decision from the API within ${READY_TIMEOUT_MS / 1000} s`);
}
