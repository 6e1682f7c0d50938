import type { FastifyInstance } from 'fastify';
import type { LogHealth } from '../log/types.ts';
import type { DashboardContext } from './context.ts';
import type { RulesView } from './rules-view.ts';

/** /api/stats, /api/rules, /healthz and /metrics: for the page, scripts, load balancers and Prometheus. */
export function registerApiRoutes(app: FastifyInstance, context: DashboardContext): void {
  app.get('/api/stats', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return context.stats();
  });

  app.get('/api/rules', async (_request, reply): Promise<RulesView> => {
    reply.header('cache-control', 'no-store');
    return context.analyst.rules();
  });

  app.get('/healthz', async (_request, reply) => {
    const log = await healthOf(context);
    reply.code(log.ok ? 200 : 503).header('cache-control', 'no-store');
    return { status: log.ok ? 'ok' : 'unavailable', log, feed: context.feed.state, clients: context.hub.clients };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('cache-control', 'no-store').type(context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
}

async function healthOf(context: DashboardContext): Promise<LogHealth> {
  try {
    return await context.log.health();
  } catch (error) {
    return { kind: context.log.kind, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
