import type { FastifyInstance } from 'fastify';
import type { DashboardContext } from './context.ts';

/** The page and its files, from memory, revalidated by ETag. */
export function registerPageRoutes(app: FastifyInstance, context: DashboardContext): void {
  for (const [path, asset] of context.assets) {
    app.get(path, async (request, reply) => {
      reply.header('etag', asset.etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });
  }
}
