import { existsSync } from 'node:fs';
import { probeDashboard, sampleProcess, type ProcessUsage } from '../dashboard/index.ts';
import { CHROMIUM_PATH } from '../dashboard/chromium.ts';
import { FraudError } from '../errors.ts';
import type { Log, OutgoingRecord } from '../log/types.ts';
import { sleep } from '../util/wait.ts';
import { childEnv, spawnFraud, type FraudChild } from './child.ts';
import { requireKafka, withKafkaLog, type KafkaTarget, type StageContext } from './context.ts';
import { decisionPool, pooledDecision, type DecisionPool } from './decision-pool.ts';
import { sendPaced } from './pacer.ts';
import { countSseEvents } from './sse-count.ts';
import { createTopics, dataTopics, freshTopics, type PipelineTopics } from './topics.ts';
import type { DashboardFigures } from './types.ts';

const POOL_SIZE = 20_000;
const START_TIMEOUT_MS = 60_000;
/** The sender runs until the measurement ends; this only bounds a stage gone wrong. */
const SEND_LIMIT_MS = 10 * 60_000;

interface PageFigures {
  client: DashboardFigures['client'];
  eventsPerSec: number;
  decisionsPerSec: number;
}

interface ServerFigures {
  usage: ProcessUsage;
  consumedPerSec: number;
}

/**
 * Stage (g): `fraud dashboard` as its own process while decisions arrive at 10,000/s
 * (real decisions made beforehand, see decision-pool.ts, so no detector competes for the
 * CPU): its CPU and memory from /proc, the decisions it reads, and the events an open
 * page receives (headless Chromium through the load probe, or a plain SSE client).
 */
export async function runDashboardStage(context: StageContext): Promise<DashboardFigures> {
  const target = requireKafka(context);
  const topics = freshTopics('g');
  context.createdTopics.push(topics);
  const pool = decisionPool(topics, POOL_SIZE);
  const figures = await withKafkaLog(target, (log) => withDashboard({ context, target, log, topics, pool }));
  context.progress.end(
    `${figures.consumedPerSec} decisions/s read, ${figures.pageEventsPerSec} events/s to the page, CPU ${figures.cpuPercent.mean}%, RSS ${figures.rssMb.max} MB`,
  );
  return figures;
}

interface Setup {
  context: StageContext;
  target: KafkaTarget;
  log: Log;
  topics: PipelineTopics;
  pool: DecisionPool;
}

async function withDashboard({ context, target, log, topics, pool }: Setup): Promise<DashboardFigures> {
  const { dashboardRate: rate, dashboardSeconds: seconds, dashboardWarmupSeconds: warmup } = context.sizes;
  await createTopics(log, dataTopics(topics));
  const dashboard = spawnFraud(['dashboard', '--brokers', target.brokers, '--port', '0'], childEnv(topics));
  try {
    const url = await addressOf(dashboard);
    const feeding = feed(log, pool, rate, context.signal);
    const ticking = tickProgress(context, `g dashboard at ${rate}/s`, seconds + warmup);
    // Settled, not all: neither measurement may still run when the dashboard is stopped.
    const [page, server] = await Promise.allSettled([measurePage(url, seconds, warmup), measureServer(url, dashboard.pid, seconds, warmup)]);
    clearInterval(ticking);
    const { perSec } = await feeding.stop();
    if (page.status === 'rejected') throw page.reason;
    if (server.status === 'rejected') throw server.reason;
    return dashboardFigures({ rate, seconds, page: page.value, server: server.value, sentPerSec: perSec, flaggedShare: pool.flaggedShare });
  } finally {
    await dashboard.stop();
  }
}

/** The URL the dashboard prints once it listens (it was started on a free port). */
async function addressOf(dashboard: FraudChild): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FraudError('FRAUD_LOG_TIMEOUT', `the dashboard did not print its address within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([dashboard.firstLine, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The measurement has no natural progress count: the bar shows the seconds gone by. */
function tickProgress(context: StageContext, label: string, seconds: number): NodeJS.Timeout {
  const started = performance.now();
  context.progress.begin(label, seconds, 's');
  return setInterval(() => context.progress.update(Math.min(seconds, (performance.now() - started) / 1000)), 500);
}

interface Feeding {
  /** Stops sending; resolves with the rate achieved. */
  stop(): Promise<{ perSec: number }>;
}

function feed(log: Log, pool: DecisionPool, rate: number, interrupted: AbortSignal): Feeding {
  const abort = new AbortController();
  const stopOnInterrupt = (): void => abort.abort();
  interrupted.addEventListener('abort', stopOnInterrupt, { once: true });
  let sent = 0;
  const sending = (async () => {
    const producer = await log.createProducer();
    try {
      const record = (_: number, epochMs: number): OutgoingRecord => pooledDecision(pool, sent++, epochMs);
      const result = await sendPaced({ producer, rate, durationMs: SEND_LIMIT_MS, signal: abort.signal, record });
      return { perSec: Math.round((result.sent * 1000) / result.elapsedMs) };
    } finally {
      interrupted.removeEventListener('abort', stopOnInterrupt);
      await producer.close();
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      return sending;
    },
  };
}

async function measurePage(url: string, seconds: number, warmupSeconds: number): Promise<PageFigures> {
  if (!existsSync(CHROMIUM_PATH)) {
    const counted = await countSseEvents(url, warmupSeconds * 1000 + 1000, seconds * 1000);
    return { client: 'http', eventsPerSec: round(counted.total / counted.seconds), decisionsPerSec: round(counted.decisions / counted.seconds) };
  }
  const result = await probeDashboard({ url, durationMs: seconds * 1000, warmupMs: warmupSeconds * 1000 });
  const measuredSeconds = result.measuredMs / 1000;
  return { client: 'chromium', eventsPerSec: result.events.perSecond, decisionsPerSec: round((result.events.byType.decision ?? 0) / measuredSeconds) };
}

/** Samples the server once the page is connected and warmed up, over the page's own window. */
async function measureServer(url: string, pid: number, seconds: number, warmupSeconds: number): Promise<ServerFigures> {
  await untilClientConnected(url);
  await sleep(warmupSeconds * 1000);
  const before = await decisionsSeen(url);
  const usage = await sampleProcess(pid, { durationMs: seconds * 1000, intervalMs: 500 });
  const after = await decisionsSeen(url);
  return { usage, consumedPerSec: round(((after.count - before.count) * 1000) / (after.at - before.at)) };
}

async function untilClientConnected(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const health = (await (await fetch(new URL('healthz', url))).json()) as { clients?: unknown };
    if (typeof health.clients === 'number' && health.clients > 0) return;
    await sleep(200);
  }
  throw new FraudError('FRAUD_LOG_TIMEOUT', 'no page connected to the dashboard');
}

async function decisionsSeen(url: string): Promise<{ count: number; at: number }> {
  const stats = (await (await fetch(new URL('api/stats', url))).json()) as { transactions?: unknown };
  return { count: typeof stats.transactions === 'number' ? stats.transactions : 0, at: Date.now() };
}

function dashboardFigures(input: { rate: number; seconds: number; page: PageFigures; server: ServerFigures; sentPerSec: number; flaggedShare: number }): DashboardFigures {
  return {
    targetPerSec: input.rate,
    sentPerSec: input.sentPerSec,
    flaggedShare: input.flaggedShare,
    consumedPerSec: input.server.consumedPerSec,
    pageEventsPerSec: input.page.eventsPerSec,
    pageDecisionsPerSec: input.page.decisionsPerSec,
    client: input.page.client,
    cpuPercent: input.server.usage.cpuPercent,
    rssMb: input.server.usage.rssMb,
    seconds: input.seconds,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
