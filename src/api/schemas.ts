import { z } from 'zod';
import { DeadLetterCodes } from '../domain/dead-letter.ts';
import { VERDICTS } from '../domain/decision.ts';
import { TransactionSchema } from '../domain/transaction.ts';
import { API_ERRORS, DECISION_TIMEOUT, LOG_UNAVAILABLE } from './answers.ts';

/**
 * The shapes of the decision API for its OpenAPI document. The request is the very
 * schema the detector validates with (domain/transaction.ts); the answers are written out
 * here, and the tests hold real answers to them.
 */
export const ReasonSchema = z.object({ rule: z.string(), detail: z.string() });

export const DecisionSchema = z.object({
  verdict: z.enum(VERDICTS),
  score: z.number().min(0).max(100),
  reasons: z.array(ReasonSchema),
  rules: z.string().describe('version of the ruleset that decided'),
  decidedAt: z.string().describe('ISO-8601'),
});

export const DecidedTransactionSchema = TransactionSchema.extend({
  id: z.string().min(1).describe('the transaction id: its own, else derived from the Idempotency-Key ("idem-" + 32 hex digits of its SHA-256)'),
  decision: DecisionSchema,
}).describe('the transaction as sent, plus its decision: the same bytes as the record on the legit or fraud topic');

const INVALID_CODES = Object.keys(DeadLetterCodes).filter((code) => code !== 'DECIDE_FAILED') as [string, ...string[]];

export const InvalidSchema = z.object({ error: z.enum(INVALID_CODES).describe('the dead-letter code the detector would give it'), reason: z.string() });

export const ErrorSchema = z.object({ error: z.enum(Object.keys(API_ERRORS) as [string, ...string[]]), reason: z.string() });

export const FallbackSchema = z.object({
  error: z.enum([DECISION_TIMEOUT, LOG_UNAVAILABLE]),
  reason: z.string(),
  fallback: z.enum(['legit', 'review']).describe('the verdict to apply meanwhile (API_FALLBACK)'),
  id: z.string().describe('the transaction id, to find its decision on the stream'),
});

export const UndecidedSchema = z.object({
  error: z.string().describe('the dead-letter code the detector gave the transaction, e.g. DECIDE_FAILED'),
  reason: z.string(),
  fallback: z.enum(['legit', 'review']),
  id: z.string(),
});
