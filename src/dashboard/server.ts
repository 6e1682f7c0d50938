import Fastify, { type FastifyInstance } from 'fastify';
import { loadAssets } from './assets.ts';
import type { DashboardContext, StatsView } from './context.ts';
import { Feed } from './feed.ts';
import { registerGuard } from './guard.ts';
import { Hub } from './hub.ts';
import { checkOptions } from './options.ts';
import { registerApiRoutes } from './routes-api.ts';
import { registerEventRoutes } from './routes-events.ts';
import { registerPageRoutes } from './routes-page.ts';
import { Access } from './security.ts';
import { DashboardStats } from './stats.ts';
import { Ticker } from './ticker.ts';
import { TopicSizes } from './topic-sizes.ts';
import type { DashboardOptions } from './types.ts';

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
  const feed = await Feed.open({
    log,
    topics: options.topics,
    tail: options.recentDecisions,
    pollMaxRecords: tuning.pollMaxRecords,
    logger,
    onItems: (items) => {
      const now = Date.now();
      for (const item of items) counts.record(item, now);
      hub.publish(items);
    },
  });
  const stats = async (): Promise<StatsView> => {
    const topics = await sizes.get();
    const sampling = hub.sampling();
    return { ...counts.snapshot(Date.now(), topics), stream: { clients: hub.clients, sampling: sampling.active, sampledOut: sampling.skipped } };
  };
  try {
    const context: DashboardContext = { log, logger, metrics, tuning, hub, feed, access: new Access(options.token), assets, stats };
    const ticker = new Ticker({ hub, stats, statsIntervalMs: tuning.statsIntervalMs, heartbeatIntervalMs: tuning.heartbeatIntervalMs, logger });
    const app = createApp(context, ticker);
    feed.start();
    // The first page should open on history, not on rows trickling in.
    if (!(await feed.historyRead(tuning.historyWaitMs))) logger.debug('dashboard starts before its history is read');
    return app;
  } catch (error) {
    await feed.close();
    throw error;
  }
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
  // Live streams never end by themselves: end them so the server can close.
  app.addHook('preClose', async () => context.hub.closeAll());
  app.addHook('onClose', async () => {
    await ticker.stop();
    await context.feed.close();
  });
  return app;
}

function statusOf(error: unknown): number {
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
