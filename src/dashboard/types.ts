import type { Config } from '../config/schema.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
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
  /** Hard ceiling of streamed events per second (a decision's evidence counts as one), flagged ones included: no browser renders more. */
  maxEventsPerSecond: number;
  statsIntervalMs: number;
  heartbeatIntervalMs: number;
  /** How long topic sizes (partition bounds) are reused before asking the log again. */
  topicsCacheMs: number;
  /** Records read from the log per poll. */
  pollMaxRecords: number;
  /** How long a start waits for the history to be read before serving anyway. */
  historyWaitMs: number;
  /** Recent review and fraud decisions an analyst's verdict may refer to (POST /api/feedback answers 404 beyond). */
  flaggedKept: number;
  /** Transactions whose latest verdict is remembered, so a changed verdict replaces the earlier one in precision. */
  reviewsKept: number;
  /** Distinct rule ids counted at most: rule ids come from records any client may write. */
  maxRules: number;
  /** Distinct ruleset versions listed at most (the least recently seen leaves first). */
  maxVersions: number;
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
  flaggedKept: 50_000,
  reviewsKept: 100_000,
  maxRules: 1000,
  maxVersions: 20,
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
  /** The ruleset in force (e.g. the detector's, in one process): descriptions and modes of the rules view. */
  ruleset?: () => Ruleset;
  /**
   * Without `ruleset`: the dashboard follows a ruleset itself, from `file` (the shipped
   * one when absent) and the rules topic, as the detector does. Neither: rules are known
   * only by the ids seen in decisions.
   */
  followRules?: { file?: string };
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

/** What the rules view and the feedback path need of a decision, read once when it is decoded. */
export interface DecisionFacts {
  /** The transaction's id; empty when the record has none (it cannot then be reviewed). */
  id: string;
  /** Live rules that fired (the ids of `decision.reasons`). */
  rules: string[];
  /** Shadow rules that fired (header `fraud-shadow`): counted, never part of the verdict. */
  shadow: string[];
  /** `decision.rules`: the version of the ruleset that decided. */
  rulesVersion: string;
}

export interface FeedDecision extends FeedItemBase {
  kind: 'decision';
  verdict: 'legit' | 'review' | 'fraud';
  facts: DecisionFacts;
  /** Data of the `evidence` event sent right after the decision, when there is evidence or a shadow hit. */
  evidence: string | undefined;
}

export interface FeedDeadLetter extends FeedItemBase {
  kind: 'dead-letter';
}
