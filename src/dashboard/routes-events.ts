import type { FastifyInstance } from 'fastify';
import type { DashboardContext } from './context.ts';
import { SECURITY_HEADERS } from './security.ts';
import { SseClient } from './sse.ts';

/**
 * GET /events: the live stream. The reply is taken over from Fastify (hijack) because it
 * never ends; the hub writes to it from then on. Hooks do not run on a hijacked reply,
 * so the security headers are written here too.
 */
export function registerEventRoutes(app: FastifyInstance, context: DashboardContext, onConnected: () => void): void {
  // No HEAD twin: a HEAD request would hold a stream slot without ever reading it.
  app.get('/events', { exposeHeadRoute: false }, async (request, reply) => {
    const { hub, tuning } = context;
    if (hub.clients >= tuning.maxClients) {
      return reply.code(503).header('retry-after', '10').send({ statusCode: 503, error: 'Service Unavailable', message: 'too many live connections' });
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise hold events back in their buffers.
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client = new SseClient(res, { limitBytes: tuning.clientBufferBytes, onClosed: (closed, reason) => hub.detach(closed, reason) });
    const lastEventId = request.headers['last-event-id'];
    hub.attach(client, typeof lastEventId === 'string' ? lastEventId : undefined);
    onConnected();
  });
}
