import type { Config } from '../config/schema.ts';
import type { Log } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

export type ApiSettings = Config['api'];

/** What the decision API needs: the log, the pipeline's topics, its settings and the process's metrics. */
export interface ApiOptions {
  log: Log;
  topics: Pick<Config['topics'], 'transactions' | 'legit' | 'fraud' | 'deadLetter'>;
  settings: ApiSettings;
  /** Larger request bodies are refused (413), as the detector sends larger records to the dead letter. */
  maxRecordBytes: number;
  metrics: Metrics;
  logger: Logger;
  /** How long a request that got the fallback (503) keeps waiting for its decision, so a retry can get it. */
  lateWaitMs?: number;
  now?: () => number;
}

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** An HTTP answer of POST /v1/decisions, without Fastify: the body is JSON text. */
export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}
