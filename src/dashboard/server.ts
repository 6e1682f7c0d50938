import Fastify, { type FastifyInstance } from 'fastify';
import { ArtifactRegistry } from '../registry/index.ts';
import { AnalystDesk } from './analyst.ts';
import { loadAssets } from './assets.ts';
import type { DashboardContext, StatsView } from './context.ts';
import { Feed } from './feed.ts';
import { registerGuard } from './guard.ts';
import { Hub } from './hub.ts';
import { checkOptions } from './options.ts';
import { registerApiRoutes } from './routes-api.ts';
import { registerEventRoutes } from './routes-events.ts';
import { registerFeedbackRoutes } from './routes-feedback.ts';
import { registerPageRoutes } from './routes-page.ts';
import { registerVersionRoutes } from './routes-versions.ts';
import { Access } from './security.ts';
import { DashboardStats } from './stats.ts';
import { Ticker } from './ticker.ts';
import { TopicSizes } from './topic-sizes.ts';
import type { DashboardOptions, DashboardTuning, FeedItem } from './types.ts';

/**
 * The dashboard as a Fastify instance, not listening: tests call its routes with
 * inject(). The feed is already reading; closing the instance stops the feed, the
 * timers and every live stream (the log stays open: it belongs to the caller).
 */
export async function buildDashboard(options: DashboardOptions): Promise<FastifyInstance> {
  const tuning = checkOptions(options);
  const assets = await loadAssets();
  const { log, logger, metrics } = options;
  const hub = new Hub({ recentDecisions: options.recentDecisions, tuning, metrics, logger });
  const counts = new DashboardStats(Date.now());
  const sizes = new TopicSizes({ log, topics: options.topics, cacheMs: tuning.topicsCacheMs, logger });
  const analyst = await openAnalystDesk(options, tuning, hub);
  const feed = await openFeed(options, tuning, (items) => {
    const now = Date.now();
    for (const item of items) counts.record(item, now);
    analyst.record(items, now);
    hub.publish(items);
  }).catch(async (error: unknown) => {
    await analyst.close();
    throw error;
  });
  const stats = statsOf(counts, sizes, hub);
  try {
    const registry = new ArtifactRegistry({ log, topics: options.topics, logger });
    const context: DashboardContext = { log, logger, metrics, tuning, hub, feed, access: new Access(options.token), assets, stats, analyst, registry };
    const ticker = new Ticker({ hub, stats, statsIntervalMs: tuning.statsIntervalMs, heartbeatIntervalMs: tuning.heartbeatIntervalMs, logger });
    const app = createApp(context, ticker);
    analyst.start();
    feed.start();
    // The first page should open on history, not on rows trickling in.
    if (!(await feed.historyRead(tuning.historyWaitMs))) logger.debug('dashboard starts before its history is read');
    return app;
  } catch (error) {
    await feed.close();
    await analyst.close();
    throw error;
  }
}

function statsOf(counts: DashboardStats, sizes: TopicSizes, hub: Hub): () => Promise<StatsView> {
  return async () => {
    const topics = await sizes.get();
    const sampling = hub.sampling();
    return { ...counts.snapshot(Date.now(), topics), stream: { clients: hub.clients, sampling: sampling.active, sampledOut: sampling.skipped } };
  };
}

/** Verdicts read from the feedback topic reach every open page as a `feedback` event. */
function openAnalystDesk(options: DashboardOptions, tuning: DashboardTuning, hub: Hub): Promise<AnalystDesk> {
  const { log, logger, topics, ruleset, followRules } = options;
  return AnalystDesk.open({ log, topics, tuning, logger, ruleset, followRules, onReview: (review) => hub.broadcast('feedback', JSON.stringify(review)) });
}

function openFeed(options: DashboardOptions, tuning: DashboardTuning, onItems: (items: FeedItem[]) => void): Promise<Feed> {
  const { log, logger, topics } = options;
  return Feed.open({ log, topics, tail: options.recentDecisions, pollMaxRecords: tuning.pollMaxRecords, logger, onItems });
}

function createApp(context: DashboardContext, ticker: Ticker): FastifyInstance {
  // No Fastify logger, so no request log: URLs may carry ?token=. Errors are logged below.
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, forceCloseConnections: 'idle' });
  app.setErrorHandler(async (error: unknown, _request, reply) => {
    const status = statusOf(error);
    if (status >= 500) context.logger.error({ err: error }, 'dashboard request failed');
    const message = status < 500 && error instanceof Error ? error.message : 'internal error';
    return reply.code(status).send({ statusCode: status, error: status >= 500 ? 'Internal Server Error' : 'Bad Request', message });
  });
  registerGuard(app, context.access);
  registerPageRoutes(app, context);
  registerApiRoutes(app, context);
  registerEventRoutes(app, context, () => ticker.tick());
  registerFeedbackRoutes(app, context);
  registerVersionRoutes(app, context);
  // Live streams never end by themselves: end them so the server can close.
  app.addHook('preClose', async () => context.hub.closeAll());
  app.addHook('onClose', async () => {
    await ticker.stop();
    await context.feed.close();
    await context.analyst.close();
    await context.registry.close();
  });
  return app;
}

function statusOf(error: unknown): number {
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
