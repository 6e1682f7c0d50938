/**
 * One registry of error codes, as fastify does with FST_ERR_*: tests assert the
 * code, never the message, so messages can improve without breaking anyone.
 */
export const ErrorCodes = {
  FRAUD_CONFIG_INVALID: 'invalid configuration',
  FRAUD_USAGE: 'invalid command line usage',
  FRAUD_LOG_CLOSED: 'the log is closed',
  FRAUD_LOG_FENCED: 'another consumer took over these partitions',
  FRAUD_LOG_ABORTED: 'the batch was aborted on purpose (test switch) and is read again',
  FRAUD_LOG_TIMEOUT: 'the log did not answer in time',
  FRAUD_LOG_UNKNOWN_TOPIC: 'unknown topic',
  FRAUD_LOG_IO: 'log read or write failed',
  FRAUD_KAFKA_UNAVAILABLE: 'the Kafka broker cannot be reached',
  FRAUD_KAFKA_AUTH: 'the Kafka broker refused our credentials or we refused its certificate',
  FRAUD_KAFKA_SETUP: 'the local Kafka broker cannot be set up',
  FRAUD_INPUT_FILE: 'the input file cannot be read',
  FRAUD_RULES_INVALID: 'invalid ruleset',
  FRAUD_INTERNAL: 'internal error',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface FraudErrorOptions {
  cause?: unknown;
  /** True when retrying the same operation later may succeed (broker restarting, lock busy). */
  canRetry?: boolean;
  /** Individual problems, e.g. every invalid setting, so a user can fix all of them at once. */
  problems?: string[];
}

export class FraudError extends Error {
  readonly code: ErrorCode;
  readonly canRetry: boolean;
  readonly problems: string[];

  constructor(code: ErrorCode, message: string, options: FraudErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FraudError';
    this.code = code;
    this.canRetry = options.canRetry ?? false;
    this.problems = options.problems ?? [];
  }
}

export function isFraudError(value: unknown, code?: ErrorCode): value is FraudError {
  return value instanceof FraudError && (code === undefined || value.code === code);
}
