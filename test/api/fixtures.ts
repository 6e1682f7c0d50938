import type { TestContext } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApi } from '../../src/api/index.ts';
import type { ApiSettings } from '../../src/api/types.ts';
import { ConfigSchema } from '../../src/config/schema.ts';
import { loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector, type DetectorTotals } from '../../src/detector/service.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import type { Log } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import { readAll } from '../helpers/log.ts';
import { pipelineSpecs, randomPipeline, type PipelineTopics } from '../helpers/pipeline.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';

export const seedRules = loadRulesetFile(new URL('../../rules/seed.yaml', import.meta.url).pathname);

/**
 * The API's settings as the defaults make them, with the test's changes. The deadline is
 * long unless a test is about it: tests are not timed, and a loaded machine must not turn
 * a decision into a fallback.
 */
export function apiSettings(overrides: Partial<ApiSettings> = {}): ApiSettings {
  return { ...ConfigSchema.parse({}).api, port: 0, deadlineMs: 10_000, ...overrides };
}

export interface ApiUnderTest {
  log: Log;
  topics: PipelineTopics;
  app: FastifyInstance;
  metrics: Metrics;
  /** POSTs a body (an object is sent as JSON) to /v1/decisions. */
  post(body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Starts an in-process detector on the pipeline's topics; stop() returns its totals. */
  startDetector(overrides?: { maxRecordBytes?: number }): { stop(): Promise<DetectorTotals> };
  /** Values of the records on a topic, as text. */
  values(topic: string): Promise<string[]>;
  /** The decided records (legit and fraud topics), as text. */
  decisions(): Promise<string[]>;
}

export interface ApiFixtureOptions {
  settings?: Partial<ApiSettings>;
  maxRecordBytes?: number;
  lateWaitMs?: number;
  partitions?: number;
}

/** An embedded log in a temp folder, fresh topics, and the API on it (inject() only), all closed when the test ends. */
export async function embeddedApi(t: TestContext, options: ApiFixtureOptions = {}): Promise<ApiUnderTest> {
  const log = openEmbeddedLog({ dataDir: tempDir(t, 'fraud-api-'), heartbeatIntervalMs: 100 });
  const topics = randomPipeline('api');
  await log.ensureTopics(pipelineSpecs(topics, options.partitions ?? 3));
  const metrics = createMetrics(undefined, { processMetrics: false });
  const app = await buildApi({
    log,
    topics,
    settings: apiSettings(options.settings),
    maxRecordBytes: options.maxRecordBytes ?? 65_536,
    metrics,
    logger: silentLogger(),
    lateWaitMs: options.lateWaitMs,
  });
  const detectors: Array<() => Promise<unknown>> = [];
  // node:test runs t.after hooks in order: detectors first, then the API, then the log.
  t.after(async () => {
    for (const stop of detectors) await stop();
    await app.close();
    await log.close();
  });
  return {
    log,
    topics,
    app,
    metrics,
    post: (body, headers = {}) =>
      app.inject({ method: 'POST', url: '/v1/decisions', headers: { 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    startDetector: (overrides = {}) => {
      const signal = new AbortController();
      const running = runDetector(
        {
          log,
          inputTopic: topics.transactions,
          outputs: topics,
          groupId: `${topics.transactions}.detector`,
          batchSize: 100,
          exactlyOnce: true,
          maxRecordBytes: overrides.maxRecordBytes ?? 65_536,
          ruleset: () => seedRules,
          logger: silentLogger(),
        },
        signal.signal,
      );
      let stopped: Promise<DetectorTotals> | undefined;
      const stop = (): Promise<DetectorTotals> => {
        signal.abort();
        return (stopped ??= running);
      };
      detectors.push(stop);
      return { stop };
    },
    values: async (topic) => (await readAll(log, topic)).map((record) => String(record.value)),
    decisions: async () => [...(await readAll(log, topics.legit)), ...(await readAll(log, topics.fraud))].map((record) => String(record.value)),
  };
}

let sequence = 0;

/** A valid transaction body with the seed's four fields and a unique id; override what the test is about. */
export function aPayment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence++;
  return { id: `api-test-${randomTopic('')}-${sequence}`, source: `acct-${sequence % 7}`, target: `merchant-${sequence}`, amount: 42.5, currency: 'EUR', ...overrides };
}

export interface ErrorBody {
  error: string;
  reason: string;
  fallback?: string;
  id?: string;
}

export function bodyOf(response: LightMyRequestResponse): ErrorBody & Record<string, unknown> {
  return response.json<ErrorBody & Record<string, unknown>>();
}
