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
  FRAUD_STATE_CORRUPT: 'the detector state cannot be read',
  FRAUD_STATE_IO: 'the local state store failed',
  FRAUD_STATE_LOCKED: 'the local state folder is in use by another detector',
  FRAUD_RULES_VERSION_UNKNOWN: 'no published ruleset or model has this version',
  FRAUD_BUILD: 'dist/ could not be built from src/ (a checkout only)',
  FRAUD_MODEL_INVALID: 'the model file is not a valid model',
  FRAUD_MODEL_FORMAT: 'the model file has an unknown format or format version',
  FRAUD_MODEL_FEATURES: 'the model needs features the detector does not compute',
  FRAUD_MODEL_TRAINING: 'the model cannot be trained on this input',
  FRAUD_LABELS_INVALID: 'the labels file is not valid',
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
