import type { Config } from '../config/schema.ts';
import type { Log } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

/** Limits and intervals of one dashboard; the defaults suit a browser on a laptop, tests shrink them. */
export interface DashboardTuning {
  /** Bytes a live-stream connection may have waiting in its socket before it is dropped. */
  clientBufferBytes: number;
  /** Open live-stream connections at most; more are refused with 503. */
  maxClients: number;
  /** Above this many decisions per second, legit ones are sampled (review, fraud and dead letters are kept). */
  sampleAbovePerSecond: number;
  /** Legit decisions per second streamed while sampling. */
  sampledLegitPerSecond: number;
  /** Hard ceiling of streamed events per second, flagged ones included: no browser renders more. */
  maxEventsPerSecond: number;
  statsIntervalMs: number;
  heartbeatIntervalMs: number;
  /** How long topic sizes (partition bounds) are reused before asking the log again. */
  topicsCacheMs: number;
  /** Records read from the log per poll. */
  pollMaxRecords: number;
  /** How long a start waits for the history to be read before serving anyway. */
  historyWaitMs: number;
}

export const DEFAULT_TUNING: DashboardTuning = {
  clientBufferBytes: 1024 * 1024,
  maxClients: 100,
  sampleAbovePerSecond: 50,
  sampledLegitPerSecond: 10,
  maxEventsPerSecond: 1000,
  statsIntervalMs: 1000,
  heartbeatIntervalMs: 15_000,
  topicsCacheMs: 1000,
  pollMaxRecords: 500,
  historyWaitMs: 3000,
};

export interface DashboardOptions {
  log: Log;
  topics: Config['topics'];
  /** Address to listen on; 127.0.0.1 unless said otherwise. Off loopback a token is required. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  /** Decisions a new connection receives before the live ones (the ring buffer's size). */
  recentDecisions: number;
  metrics: Metrics;
  logger: Logger;
  tuning?: Partial<DashboardTuning>;
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

/** One record of the feed: a decided transaction or a dead letter, already re-serialized on one line. */
export type FeedItem = FeedDecision | FeedDeadLetter;

interface FeedItemBase {
  /** The record's JSON, as one line (SSE data may not contain a newline). */
  json: string;
  /** Log timestamp of the output record. */
  timestamp: number;
  /** Output timestamp minus the input record's (header `fraud-input-timestamp`), when known. */
  latencyMs: number | undefined;
  /** False for the history read at start: it is shown, but not counted as seen since start. */
  live: boolean;
}

export interface FeedDecision extends FeedItemBase {
  kind: 'decision';
  verdict: 'legit' | 'review' | 'fraud';
}

export interface FeedDeadLetter extends FeedItemBase {
  kind: 'dead-letter';
}
