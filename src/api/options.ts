import { isLoopback } from '../dashboard/options.ts';
import { FraudError } from '../errors.ts';
import type { ApiSettings } from './types.ts';

/**
 * Refuses, with every problem listed, an API that would accept transactions from the
 * network without a token: binding 0.0.0.0 by mistake must not let anyone write to the
 * transactions topic. Commands call it before opening the log, so a refused start has no
 * side effect. The schema checks the rest (ranges, token length).
 */
export function checkApiSettings(settings: Pick<ApiSettings, 'host' | 'token'>): void {
  const problems: string[] = [];
  if (settings.host.trim() === '') problems.push('api.host: must not be empty');
  else if (!isLoopback(settings.host) && settings.token === undefined) {
    problems.push(`api.token: required when the API listens on ${settings.host}, beyond loopback (--api-token or API_TOKEN)`);
  }
  if (problems.length > 0) {
    throw new FraudError('FRAUD_CONFIG_INVALID', `the decision API configuration has ${problems.length} problem(s)`, { problems });
  }
}
