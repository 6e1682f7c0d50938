import { isIP } from 'node:net';
import { FraudError } from '../errors.ts';
import { DEFAULT_TUNING, type DashboardOptions, type DashboardTuning } from './types.ts';

export const MIN_TOKEN_LENGTH = 16;

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and the name localhost. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export type DashboardSettings = Pick<DashboardOptions, 'host' | 'port' | 'token' | 'recentDecisions'>;

/**
 * Refuses, with every problem listed, a dashboard that would show transactions to the
 * network without a token: binding 0.0.0.0 by mistake must not publish card data.
 * Commands call it before opening the log, so a refused start has no side effect.
 */
export function checkDashboardSettings(settings: DashboardSettings): void {
  const problems: string[] = [];
  const { host, token } = settings;
  if (host.trim() === '') problems.push('host: must not be empty');
  if (!isLoopback(host) && token === undefined) {
    problems.push(`token: required when the dashboard listens on ${host}, beyond loopback (--token or DASHBOARD_TOKEN)`);
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) problems.push(`token: must be at least ${MIN_TOKEN_LENGTH} characters`);
  if (!Number.isInteger(settings.port) || settings.port < 0 || settings.port > 65535) problems.push('port: must be 0 to 65535');
  if (!Number.isInteger(settings.recentDecisions) || settings.recentDecisions < 1) problems.push('recentDecisions: must be at least 1');
  if (problems.length > 0) {
    throw new FraudError('FRAUD_CONFIG_INVALID', `the dashboard configuration has ${problems.length} problem(s)`, { problems });
  }
}

export function checkOptions(options: DashboardOptions): DashboardTuning {
  checkDashboardSettings(options);
  return { ...DEFAULT_TUNING, ...options.tuning };
}

/** The address a browser can open: an unspecified bind address means this machine. */
export function urlFor(host: string, port: number): string {
  let shown = host.replace(/^\[|\]$/g, '');
  if (shown === '0.0.0.0') shown = '127.0.0.1';
  if (shown === '::') shown = '::1';
  return `http://${isIP(shown) === 6 ? `[${shown}]` : shown}:${port}/`;
}
