import { FraudError, isFraudError, type ErrorCode } from '../errors.ts';

/** Exit codes of the contract: 0 success, 1 runtime failure, 2 invalid usage or configuration. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

export function exitCodeFor(error: unknown): number {
  // FRAUD_KAFKA_AUTH: a wrong password or CA file is configuration too, to fix rather than retry.
  const usage: ErrorCode[] = [
    'FRAUD_CONFIG_INVALID',
    'FRAUD_USAGE',
    'FRAUD_RULES_INVALID',
    'FRAUD_RULES_VERSION_UNKNOWN',
    'FRAUD_KAFKA_AUTH',
    'FRAUD_MODEL_INVALID',
    'FRAUD_MODEL_FORMAT',
    'FRAUD_MODEL_FEATURES',
    'FRAUD_LABELS_INVALID',
  ];
  if (usage.some((code) => isFraudError(error, code))) {
    return ExitCode.usage;
  }
  return ExitCode.failure;
}

/** Prints an error the way a user can act on it: every problem on its own line, no stack unless asked. */
export function formatError(error: unknown, verbose = false): string {
  if (error instanceof FraudError) {
    const lines = [`error ${error.code}: ${error.message}`, ...error.problems.map((problem) => `  - ${problem}`)];
    if (verbose && error.cause !== undefined) lines.push(`  cause: ${describeCause(error.cause)}`);
    return lines.join('\n');
  }
  if (error instanceof Error) return verbose && error.stack ? error.stack : `error: ${error.message}`;
  return `error: ${String(error)}`;
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
