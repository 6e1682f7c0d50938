import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardContext } from './context.ts';
import { describeIssues, FeedbackRequestSchema } from './feedback-schema.ts';
import type { Precision, Review } from './feedback-store.ts';

/** Reviews GET /api/feedback lists: enough to mark every alert a page keeps. */
const REVIEWS_LISTED = 2000;

/** GET /api/feedback. */
export interface FeedbackView {
  /** The latest verdict per transaction, newest first. */
  reviews: Review[];
  precision: Precision;
}

/**
 * POST /api/feedback, an analyst's verdict on an alert, written to the feedback topic;
 * GET /api/feedback, the verdicts read back from it. The guard has already checked the
 * token and that a POST comes from this dashboard's own page.
 */
export function registerFeedbackRoutes(app: FastifyInstance, context: DashboardContext): void {
  app.get('/api/feedback', async (_request, reply): Promise<FeedbackView> => {
    reply.header('cache-control', 'no-store');
    const { store } = context.analyst;
    return { reviews: store.reviews(REVIEWS_LISTED), precision: store.precision() };
  });

  app.post('/api/feedback', { onRequest: requireJson }, async (request, reply) => {
    const parsed = FeedbackRequestSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: describeIssues(parsed.error) });
    const result = await context.analyst.feedback.submit(parsed.data).catch((error: unknown) => {
      context.logger.error({ err: error }, 'feedback not written');
      return undefined;
    });
    if (result === undefined) {
      return reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: 'the feedback topic cannot be written now; try again' });
    }
    if (!result.ok) return reply.code(result.status).send({ statusCode: result.status, error: 'Not Found', message: result.message });
    return reply.code(201).header('cache-control', 'no-store').send({ record: result.record });
  });
}

/**
 * Only JSON bodies, checked before parsing. Beyond clarity, this closes a door: a form
 * or a `text/plain` fetch from another site needs no CORS preflight, JSON does.
 */
export async function requireJson(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    await reply.code(415).send({ statusCode: 415, error: 'Unsupported Media Type', message: 'Content-Type must be application/json' });
  }
}
