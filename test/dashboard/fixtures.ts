import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config/schema.ts';
import { buildDashboard, startDashboard, type DashboardOptions, type DashboardTuning, type RunningDashboard } from '../../src/dashboard/index.ts';
import type { DeadLetter } from '../../src/domain/dead-letter.ts';
import type { DecidedTransaction, Reason, Verdict } from '../../src/domain/decision.ts';
import { EVIDENCE_HEADER, INPUT_TIMESTAMP_HEADER, SHADOW_HEADER } from '../../src/detector/processor.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import type { Log, LogProducer, OutgoingRecord } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import { randomTopic } from '../helpers/topics.ts';

let sequence = 0;

/** A decided transaction as the detector writes it to the legit or fraud topic. */
export function aDecision(overrides: Partial<DecidedTransaction> & { verdict?: Verdict; score?: number; reasons?: Reason[] } = {}): DecidedTransaction {
  const { verdict = 'legit', score, reasons, ...fields } = overrides;
  sequence++;
  const flagged = verdict !== 'legit';
  return {
    id: `tx-test-${sequence}`,
    source: `acct-src-${sequence}`,
    target: `acct-dst-${sequence}`,
    amount: flagged ? 950 + sequence : 12.5 + sequence,
    currency: 'EUR',
    timestamp: new Date().toISOString(),
    ...fields,
    decision: {
      verdict,
      score: score ?? (verdict === 'fraud' ? 100 : verdict === 'review' ? 60 : 0),
      reasons: reasons ?? (flagged ? [{ rule: 'seed-large-amount', detail: 'amount is at least 900' }] : []),
      rules: 'test-1',
      decidedAt: new Date().toISOString(),
    },
  };
}

export function aDeadLetter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  sequence++;
  return {
    error: 'NOT_JSON',
    reason: 'not JSON: Unexpected token',
    topic: 'transactions',
    partition: 0,
    offset: sequence,
    payload: '{oops',
    payloadEncoding: 'utf8',
    payloadBytes: 5,
    payloadTruncated: false,
    ...overrides,
  };
}

export function randomTopics(): Config['topics'] {
  return {
    transactions: randomTopic('tx'),
    legit: randomTopic('legit'),
    fraud: randomTopic('fraud'),
    deadLetter: randomTopic('dlq'),
    rules: randomTopic('rules'),
    audit: randomTopic('audit'),
    labels: randomTopic('labels'),
    feedback: randomTopic('feedback'),
  };
}

/** An embedded log in a temp folder with this test's topics, a producer, and helpers to write outputs. */
export interface Pipeline {
  log: Log;
  topics: Config['topics'];
  producer: LogProducer;
  metrics: Metrics;
  write(...items: Array<DecidedTransaction | DeadLetter>): Promise<void>;
  /** Writes a decision with the headers the detector adds: evidence of the rules that fired, shadow hits. */
  writeWithHeaders(item: DecidedTransaction, headers: DetectorHeaders): Promise<void>;
  options(overrides?: Partial<DashboardOptions> & { tuning?: Partial<DashboardTuning> }): DashboardOptions;
  /** Runs `close` when the test ends, before what was opened earlier (node:test runs t.after hooks first-in, first-out). */
  defer(close: () => Promise<unknown> | unknown): void;
}

export async function openPipeline(t: TestContext, partitions = 3): Promise<Pipeline> {
  const closers: Array<() => Promise<unknown> | unknown> = [];
  t.after(async () => {
    for (const close of closers.reverse()) await close();
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'fraud-dashboard-'));
  closers.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const log = openEmbeddedLog({ dataDir, heartbeatIntervalMs: 100 });
  closers.push(() => log.close());
  const topics = randomTopics();
  await log.ensureTopics([topics.transactions, topics.legit, topics.fraud, topics.deadLetter, topics.feedback, topics.labels].map((name) => ({ name, partitions })));
  await log.ensureTopics([{ name: topics.rules, partitions: 1, compacted: true }, { name: topics.audit, partitions: 1, keepForever: true }]);
  const producer = await log.createProducer();
  const metrics = createMetrics(undefined, { processMetrics: false });
  return {
    log,
    topics,
    producer,
    metrics,
    defer: (close) => closers.push(close),
    write: (...items) => producer.send(items.map((item) => outputRecord(topics, item))),
    writeWithHeaders: (item, extra) => producer.send([withHeaders(outputRecord(topics, item), extra)]),
    options: (overrides = {}) => ({
      log,
      topics,
      host: '127.0.0.1',
      port: 0,
      recentDecisions: 50,
      metrics,
      logger: silentLogger(),
      ...overrides,
      tuning: { statsIntervalMs: 100, ...overrides.tuning },
    }),
  };
}

/** The record the detector would write for `item`, with the input's timestamp header a few ms back. */
function outputRecord(topics: Config['topics'], item: DecidedTransaction | DeadLetter): OutgoingRecord {
  const headers = { [INPUT_TIMESTAMP_HEADER]: String(Date.now() - 7) };
  if (!('decision' in item)) return { topic: topics.deadLetter, key: null, value: JSON.stringify(item), headers };
  const topic = item.decision.verdict === 'legit' ? topics.legit : topics.fraud;
  return { topic, key: item.source, value: JSON.stringify(item), headers };
}

export interface DetectorHeaders {
  evidence?: Record<string, Record<string, unknown>>;
  shadow?: string[];
}

function withHeaders(record: OutgoingRecord, extra: DetectorHeaders): OutgoingRecord {
  const headers = { ...record.headers };
  if (extra.evidence) headers[EVIDENCE_HEADER] = JSON.stringify(extra.evidence);
  if (extra.shadow) headers[SHADOW_HEADER] = JSON.stringify(extra.shadow);
  return { ...record, headers };
}

/** A dashboard built for inject(), closed before the log. */
export async function built(pipeline: Pipeline, options: DashboardOptions = pipeline.options()): Promise<FastifyInstance> {
  const app = await buildDashboard(options);
  pipeline.defer(() => app.close());
  return app;
}

export async function started(pipeline: Pipeline, options: DashboardOptions = pipeline.options()): Promise<RunningDashboard> {
  const dashboard = await startDashboard(options);
  pipeline.defer(() => dashboard.close());
  return dashboard;
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
