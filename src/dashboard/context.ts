import type { Log } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { ArtifactRegistry } from '../registry/index.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AnalystDesk } from './analyst.ts';
import type { Assets } from './assets.ts';
import type { Feed } from './feed.ts';
import type { Hub } from './hub.ts';
import type { Access } from './security.ts';
import type { StatsSnapshot } from './stats.ts';
import type { DashboardTuning } from './types.ts';

/** /api/stats and the `stats` event: the counts plus the state of the live stream. */
export interface StatsView extends StatsSnapshot {
  stream: { clients: number; sampling: boolean; sampledOut: number };
}

/** What the routes of one dashboard share. */
export interface DashboardContext {
  log: Log;
  logger: Logger;
  metrics: Metrics;
  tuning: DashboardTuning;
  hub: Hub;
  feed: Feed;
  access: Access;
  assets: Assets;
  stats: () => Promise<StatsView>;
  analyst: AnalystDesk;
  /** Published versions: history, diffs, publishing from the page. */
  registry: ArtifactRegistry;
}
