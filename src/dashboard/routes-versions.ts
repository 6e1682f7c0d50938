import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { isFraudError } from '../errors.ts';
import { compareArtifacts, CURRENT, entrySummary, historyView, inForceSummary, versionSide, type PublishResult } from '../registry/index.ts';
import type { DashboardContext } from './context.ts';
import { describeIssues } from './feedback-schema.ts';
import { requireJson } from './routes-feedback.ts';
import { CheckRequestSchema, CONTENT_BODY_LIMIT, PublishRequestSchema, RollbackRequestSchema } from './versions-schema.ts';

/**
 * The rules view's versions: GET the history, one version's content and the diff of
 * two; POST a candidate to check, publish or roll back. The guard has already checked
 * the token and that a POST comes from this dashboard's own page (as for feedback).
 */
export function registerVersionRoutes(app: FastifyInstance, context: DashboardContext): void {
  const { registry } = context;
  const answer = <T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> => work().catch((error: unknown) => refuse(reply, context, error));

  app.get('/api/rules/versions', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return answer(reply, async () => historyView(await registry.history()));
  });

  app.get<{ Params: { version: string } }>('/api/rules/versions/:version', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return answer(reply, async () => {
      const side = await versionSide(registry, request.params.version);
      const entry = await registry.find(side.version);
      return entry ?? { version: side.version, content: side.content };
    });
  });

  app.get<{ Querystring: { a?: string; b?: string } }>('/api/rules/diff', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const { a, b } = request.query;
    if (typeof a !== 'string' || typeof b !== 'string' || a === '' || b === '') return badRequest(reply, 'a and b: two versions to compare (or "current") are required');
    return answer(reply, async () => compareArtifacts(await versionSide(registry, a), await versionSide(registry, b)));
  });

  const withBody = { onRequest: requireJson, bodyLimit: CONTENT_BODY_LIMIT };

  app.post('/api/rules/check', withBody, async (request, reply) => {
    const body = parse(CheckRequestSchema, request.body, reply);
    if (!body) return reply;
    return answer(reply, async () => {
      const plan = await registry.plan({ content: body.content, origin: 'the candidate' });
      const current = plan.inForce ? await versionSide(registry, CURRENT) : undefined;
      const diff = current ? compareArtifacts(current, { kind: plan.kind, label: 'candidate', version: plan.version, source: 'file', content: body.content }) : null;
      return { version: plan.version, declaredVersion: plan.declaredVersion, renamed: plan.renamed, unchanged: plan.unchanged, summary: plan.summary, diff };
    });
  });

  app.post('/api/rules/publish', withBody, async (request, reply) => {
    const body = parse(PublishRequestSchema, request.body, reply);
    if (!body) return reply;
    return answer(reply, async () => sendResult(reply, await registry.publish({ ...body, origin: 'the candidate', via: 'dashboard' })));
  });

  app.post('/api/rules/rollback', { onRequest: requireJson }, async (request, reply) => {
    const body = parse(RollbackRequestSchema, request.body, reply);
    if (!body) return reply;
    return answer(reply, async () => sendResult(reply, await registry.rollback({ ...body, via: 'dashboard' })));
  });
}

/** 201 with the new publication, or 200 when that content was in force already (nothing written). */
function sendResult(reply: FastifyReply, result: PublishResult): FastifyReply {
  reply.header('cache-control', 'no-store');
  if (result.status === 'unchanged') return reply.code(200).send({ status: result.status, summary: result.summary, current: inForceSummary(result.inForce) });
  return reply.code(201).send({ status: result.status, renamed: result.renamed, summary: result.summary, entry: entrySummary(result.entry) });
}

function parse<T extends z.ZodType>(schema: T, body: unknown, reply: FastifyReply): z.infer<T> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  void badRequest(reply, describeIssues(parsed.error));
  return undefined;
}

function badRequest(reply: FastifyReply, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message, ...extra });
}

/** Errors with codes as 4xx (the code and every problem in the answer); the log not answering as 503. */
function refuse(reply: FastifyReply, context: DashboardContext, error: unknown): FastifyReply {
  if (isFraudError(error, 'FRAUD_RULES_INVALID') || isFraudError(error, 'FRAUD_USAGE')) {
    return badRequest(reply, error.message, { code: error.code, problems: error.problems });
  }
  if (isFraudError(error, 'FRAUD_RULES_VERSION_UNKNOWN')) {
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: error.message, code: error.code });
  }
  context.logger.error({ err: error }, 'rules versions: the log cannot be read or written');
  return reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: 'the rules or audit topic cannot be read or written now; try again' });
}
