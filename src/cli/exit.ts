import { FraudError, isFraudError } from '../errors.ts';

/** Exit codes of the contract: 0 success, 1 runtime failure, 2 invalid usage or configuration. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

export function exitCodeFor(error: unknown): number {
  if (
    isFraudError(error, 'FRAUD_CONFIG_INVALID') ||
    isFraudError(error, 'FRAUD_USAGE') ||
    isFraudError(error, 'FRAUD_RULES_INVALID') ||
    isFraudError(error, 'FRAUD_RULES_VERSION_UNKNOWN') ||
    isFraudError(error, 'FRAUD_MODEL_INVALID') ||
    isFraudError(error, 'FRAUD_MODEL_FORMAT') ||
    isFraudError(error, 'FRAUD_MODEL_FEATURES') ||
    isFraudError(error, 'FRAUD_LABELS_INVALID')
  ) {
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
