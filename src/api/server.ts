import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { SECURITY_HEADERS } from '../dashboard/security.ts';
import type { LogHealth } from '../log/types.ts';
import { ApiAccess } from './access.ts';
import { errorAnswer } from './answers.ts';
import { DecisionDesk } from './desk.ts';
import { createApiMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { Replies } from './replies.ts';
import type { Answer, ApiOptions } from './types.ts';

/** How long a request that got the fallback keeps waiting for its decision, by default. */
export const DEFAULT_LATE_WAIT_MS = 60_000;
/** Paths open without the token: a load balancer's probe carries none. */
const OPEN_PATHS = new Set(['/healthz']);
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The decision API as a Fastify instance, not listening: tests call it with inject(). The
 * reader of decisions is already at the end of the output topics, so no decision of a
 * request accepted from now on can be missed. Closing it stops the reader and flushes the
 * producer (the log stays open: it belongs to the caller).
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const { log, topics, settings, logger } = options;
  const replies = await Replies.open({ log, topics, logger });
  const producer = await log.createProducer().catch(async (error: unknown) => {
    await replies.close();
    throw error;
  });
  replies.start();
  const metrics = createApiMetrics(options.metrics.registry);
  const desk = new DecisionDesk({
    producer,
    replies,
    transactionsTopic: topics.transactions,
    settings,
    maxRecordBytes: options.maxRecordBytes,
    metrics,
    logger,
    lateWaitMs: options.lateWaitMs ?? DEFAULT_LATE_WAIT_MS,
    now: options.now ?? Date.now,
  });
  // No Fastify logger: one line per request is the metrics' job. Errors are logged below.
  const app = Fastify({ logger: false, bodyLimit: options.maxRecordBytes, forceCloseConnections: 'idle', return503OnClosing: true });
  registerHooks(app, new ApiAccess(settings.token), metrics);
  registerErrors(app, options);
  const openapi = JSON.stringify(openApiDocument(VERSION));

  app.post('/v1/decisions', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (Array.isArray(key)) return send(reply, errorAnswer(400, 'FRAUD_API_BAD_REQUEST', 'send one Idempotency-Key header, not several'));
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    return send(reply, await desk.decide({ body, idempotencyKey: key }));
  });
  app.get('/v1/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(openapi));
  app.get('/healthz', async (_request, reply) => {
    const logHealth = await healthOf(options);
    const ok = logHealth.ok && replies.state.ok;
    reply.code(ok ? 200 : 503).header('cache-control', 'no-store');
    return { status: ok ? 'ok' : 'unavailable', log: logHealth, reader: replies.state, inFlight: desk.inFlight, waiting: replies.waiting };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('cache-control', 'no-store').type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
  app.addHook('onClose', async () => {
    await producer.close().catch(() => undefined);
    await replies.close();
  });
  return app;
}

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  return reply.code(answer.status).headers(answer.headers ?? {}).send(answer.body);
}

/**
 * Any body is read as bytes whatever its content type, so `curl -d '{...}'` (form
 * content type) works and the validation, not the parser, explains what is wrong. Other
 * sites' pages cannot use this: the access check refuses cross-site browser requests.
 */
function registerHooks(app: FastifyInstance, access: ApiAccess, metrics: ReturnType<typeof createApiMetrics>): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  app.addHook('onRequest', async (request, reply) => {
    // The matched route, not the raw URL: no spelling of a path can borrow /healthz's exemption.
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_PATHS.has(route) && access.required) return undefined;
    const result = access.check(request.headers);
    if (result.ok) return undefined;
    if (result.status === 401) reply.header('www-authenticate', 'Bearer realm="fraud-api"');
    return send(reply, errorAnswer(result.status, result.error, result.reason));
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestSeconds.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}

function registerErrors(app: FastifyInstance, options: ApiOptions): void {
  app.setNotFoundHandler(async (request, reply) => send(reply, errorAnswer(404, 'FRAUD_API_NOT_FOUND', `no ${request.method} ${request.url.split('?')[0]}; see /v1/openapi.json`)));
  app.setErrorHandler(async (error: unknown, _request, reply) => {
    const status = statusOf(error);
    if (status === 413) return send(reply, errorAnswer(413, 'TOO_LARGE', `the body is larger than the limit of ${options.maxRecordBytes} bytes`));
    if (status < 500) return send(reply, errorAnswer(status, 'FRAUD_API_BAD_REQUEST', error instanceof Error ? error.message : 'bad request'));
    options.logger.error({ err: error }, 'decision API request failed');
    return send(reply, errorAnswer(500, 'FRAUD_INTERNAL', 'internal error'));
  });
}

function statusOf(error: unknown): number {
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

async function healthOf(options: ApiOptions): Promise<LogHealth> {
  try {
    return await options.log.health();
  } catch (error) {
    return { kind: options.log.kind, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
