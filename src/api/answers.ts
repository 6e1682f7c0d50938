import type { DeadLetterCode } from '../domain/dead-letter.ts';
import type { ApiSettings, Answer } from './types.ts';

/** Error code of the 503 answer: no decision within the deadline; the fallback applies. */
export const DECISION_TIMEOUT = 'FRAUD_DECISION_TIMEOUT';
/** Error code of the 503 answer when the transaction could not be written: a retry may succeed. */
export const LOG_UNAVAILABLE = 'FRAUD_LOG_UNAVAILABLE';

/** Codes of 4xx/5xx answers other than the dead-letter codes of invalid input. */
export const API_ERRORS = {
  FRAUD_API_UNAUTHORIZED: 'no valid bearer token (401)',
  FRAUD_API_FORBIDDEN: 'a host name other than this machine without a token, or a cross-site browser request (403)',
  FRAUD_API_NOT_FOUND: 'no such path (404)',
  FRAUD_API_BAD_REQUEST: 'the request is malformed, e.g. two Idempotency-Key headers (400)',
  FRAUD_API_KEY_REUSED: 'the Idempotency-Key was used before with another body (409)',
  FRAUD_API_OVERLOADED: 'too many requests waiting for decisions (429)',
  [DECISION_TIMEOUT]: 'no decision within the deadline: apply the fallback; the transaction is decided on the stream (503)',
  [LOG_UNAVAILABLE]: 'the transaction could not be written to the log: apply the fallback and retry (503)',
  FRAUD_INTERNAL: 'internal error (500)',
} as const;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

export function jsonAnswer(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return { status, body, headers: { ...JSON_HEADERS, ...headers } };
}

export function errorAnswer(status: number, error: string, reason: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Answer {
  return jsonAnswer(status, JSON.stringify({ error, reason, ...extra }), headers);
}

export function invalidAnswer(error: DeadLetterCode, reason: string): Answer {
  return errorAnswer(error === 'TOO_LARGE' ? 413 : 400, error, reason);
}

export function timeoutAnswer(settings: Pick<ApiSettings, 'fallback' | 'deadlineMs'>, id: string): Answer {
  const reason = `no decision within ${settings.deadlineMs} ms; the transaction is decided on the stream, and a retry with the same Idempotency-Key returns that decision`;
  return errorAnswer(503, DECISION_TIMEOUT, reason, { fallback: settings.fallback, id }, { 'retry-after': '1' });
}

export function unavailableAnswer(settings: Pick<ApiSettings, 'fallback'>, id: string, cause: string): Answer {
  return errorAnswer(503, LOG_UNAVAILABLE, `the transaction could not be written to the log (${cause}); it will not be decided unless sent again`, { fallback: settings.fallback, id }, { 'retry-after': '1' });
}

/** A detector-side dead letter for an accepted transaction: it will not be decided (a bug of ours, or differing limits). */
export function deadLetterAnswer(settings: Pick<ApiSettings, 'fallback'>, id: string, error: string, reason: string): Answer {
  return errorAnswer(error === 'DECIDE_FAILED' ? 500 : 422, error, reason, { fallback: settings.fallback, id });
}
