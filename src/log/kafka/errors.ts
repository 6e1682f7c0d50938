import { FraudError, isFraudError } from '../../errors.ts';
import { KAFKA_TIMINGS } from './options.ts';

/**
 * The client's errors (PLT_KFK_*, often a MultipleErrors of every retry, each holding
 * the broker's error ids) become FraudErrors with the original kept as `cause`.
 */

/** Broker answers meaning "this member or producer no longer owns what it commits". */
const FENCING_IDS = new Set([
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'FENCED_MEMBER_EPOCH',
  'STALE_MEMBER_EPOCH',
  'TRANSACTIONAL_ID_NOT_FOUND',
]);

const UNKNOWN_TOPIC_IDS = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID']);

interface ClientErrorShape {
  code?: unknown;
  apiId?: unknown;
  canRetry?: unknown;
  closed?: unknown;
  errors?: unknown;
  message?: unknown;
}

/** Every error of the chain: the error, its nested `errors` (retries, partitions) and causes. */
function flatten(error: unknown, into: ClientErrorShape[] = [], depth = 0): ClientErrorShape[] {
  if (typeof error !== 'object' || error === null || depth > 8) return into;
  const shape = error as ClientErrorShape & { cause?: unknown };
  into.push(shape);
  if (Array.isArray(shape.errors)) for (const inner of shape.errors) flatten(inner, into, depth + 1);
  if (shape.cause !== undefined) flatten(shape.cause, into, depth + 1);
  return into;
}

/** The broker's error ids in the chain, e.g. ['MESSAGE_TOO_LARGE']. */
export function brokerErrorIds(error: unknown): string[] {
  const ids = new Set<string>();
  for (const item of flatten(error)) if (typeof item.apiId === 'string') ids.add(item.apiId);
  return [...ids];
}

export function isFencingError(error: unknown): boolean {
  return isFraudError(error, 'FRAUD_LOG_FENCED') || brokerErrorIds(error).some((id) => FENCING_IDS.has(id));
}

export function hasBrokerError(error: unknown, id: string): boolean {
  return brokerErrorIds(error).includes(id);
}

function isClosedClient(error: unknown): boolean {
  return flatten(error).some((item) => item.closed === true);
}

/** The client turns UNKNOWN_TOPIC_OR_PARTITION of a metadata request into a UserError "Unknown topic X.". */
function isUnknownTopicMetadata(error: unknown): boolean {
  return flatten(error).some((item) => item.code === 'PLT_KFK_USER' && typeof item.message === 'string' && item.message.startsWith('Unknown topic '));
}

function isNetworkError(error: unknown): boolean {
  return flatten(error).some((item) => item.code === 'PLT_KFK_NETWORK' || item.code === 'PLT_KFK_TIMEOUT');
}

function isAuthenticationError(error: unknown): boolean {
  return flatten(error).some((item) => item.code === 'PLT_KFK_AUTHENTICATION' || item.apiId === 'SASL_AUTHENTICATION_FAILED');
}

/** Node's codes for a server certificate it does not trust (OpenSSL's verify errors, and the name check). */
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The certificate problem in the chain, e.g. { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }. */
export function tlsTrustFailure(error: unknown): { code: string; message: string } | undefined {
  const found = flatten(error).find((item) => typeof item.code === 'string' && TLS_TRUST_CODES.has(item.code));
  return found ? { code: String(found.code), message: String(found.message) } : undefined;
}

/** Refused credentials or an untrusted certificate: settings to fix, never worth retrying. */
export function isCredentialsError(error: unknown): boolean {
  return isAuthenticationError(error) || tlsTrustFailure(error) !== undefined;
}

/** The client may retry again later: true only when every error of the chain says so. */
function retriable(error: unknown): boolean {
  return !flatten(error).some((item) => item.canRetry === false);
}

/**
 * One line: the client's message, the innermost cause of its last attempt (e.g.
 * "connect ECONNREFUSED 10.0.0.5:9092") and the broker's error ids, which say what happened.
 */
export function describeKafkaError(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  const innermost = flatten(error).at(-1)?.message;
  if (typeof innermost === 'string' && innermost !== message) message = `${message.replace(/\.$/, '')}: ${innermost}`;
  const ids = brokerErrorIds(error);
  return ids.length > 0 ? `${message} (${ids.join(', ')})` : message;
}

/** Maps any error of the client to a FraudError; FraudErrors pass through unchanged. */
export function toFraudError(error: unknown, action: string): FraudError {
  if (isFraudError(error)) return error;
  const detail = `${action}: ${describeKafkaError(error)}`;
  if (isClosedClient(error)) return new FraudError('FRAUD_LOG_CLOSED', `${action}: the Kafka client is closed`, { cause: error });
  if (isFencingError(error)) return new FraudError('FRAUD_LOG_FENCED', detail, { cause: error, canRetry: true });
  const ids = brokerErrorIds(error);
  if (ids.some((id) => UNKNOWN_TOPIC_IDS.has(id)) || isUnknownTopicMetadata(error)) return new FraudError('FRAUD_LOG_UNKNOWN_TOPIC', detail, { cause: error, canRetry: true });
  if (isCredentialsError(error)) return new FraudError('FRAUD_KAFKA_AUTH', detail, { cause: error, canRetry: false });
  if (ids.includes('REQUEST_TIMED_OUT')) return new FraudError('FRAUD_LOG_TIMEOUT', detail, { cause: error, canRetry: true });
  if (isNetworkError(error)) return new FraudError('FRAUD_KAFKA_UNAVAILABLE', detail, { cause: error, canRetry: true });
  return new FraudError('FRAUD_LOG_IO', detail, { cause: error, canRetry: retriable(error) });
}

/**
 * How long one client call may stay unanswered: a few request timeouts. The client can
 * leave a request pending for ever when the broker it went to dies (seen on a 3-broker
 * cluster with a coordinator killed: no error, no timeout, the detector silent for good).
 */
export const CALL_DEADLINE_MS = 2 * KAFKA_TIMINGS.requestTimeoutMs;

/** Runs a client call and maps what it throws; past `deadlineMs` without an answer, a retryable FRAUD_LOG_TIMEOUT. */
export async function kafkaCall<T>(action: string, call: () => Promise<T>, deadlineMs: number = CALL_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const pending = call();
  pending.catch(() => undefined); // a failure after the deadline is nobody's
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FraudError('FRAUD_LOG_TIMEOUT', `${action}: no answer from Kafka in ${deadlineMs / 1000} s`, { canRetry: true })), deadlineMs);
  });
  try {
    return await Promise.race([pending, deadline]);
  } catch (error) {
    throw toFraudError(error, action);
  } finally {
    clearTimeout(timer);
  }
}

export function fenced(message: string, cause?: unknown): FraudError {
  return new FraudError('FRAUD_LOG_FENCED', message, { cause, canRetry: true });
}

export function closedError(what: string): FraudError {
  return new FraudError('FRAUD_LOG_CLOSED', `the Kafka ${what} is closed`);
}
