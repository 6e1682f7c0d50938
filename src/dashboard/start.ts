import type { AddressInfo } from 'node:net';
import { FraudError } from '../errors.ts';
import { urlFor } from './options.ts';
import { buildDashboard } from './server.ts';
import type { DashboardOptions, RunningDashboard } from './types.ts';

/** Builds the dashboard and listens; `close()` ends the streams, the feed and the server (not the log). */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const app = await buildDashboard(options);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw listenError(error, options);
  }
  const address = app.server.address() as AddressInfo;
  const url = urlFor(options.host, address.port);
  options.logger.info({ url, token: options.token !== undefined }, 'dashboard listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= app.close().then(() => options.logger.info('dashboard closed'));
      return closing;
    },
  };
}

function listenError(error: unknown, options: DashboardOptions): unknown {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const where = `${options.host}:${options.port}`;
  const problems: Record<string, string> = {
    EADDRINUSE: `port: ${options.port} is already in use on ${options.host} (--port)`,
    EACCES: `port: ${options.port} needs privileges on ${options.host}; use a port above 1023 (--port)`,
    EADDRNOTAVAIL: `host: ${options.host} is not an address of this machine (--host)`,
    ENOTFOUND: `host: ${options.host} does not resolve (--host)`,
  };
  const problem = typeof code === 'string' ? problems[code] : undefined;
  if (problem === undefined) return new FraudError('FRAUD_INTERNAL', `the dashboard cannot listen on ${where}`, { cause: error });
  return new FraudError('FRAUD_CONFIG_INVALID', `the dashboard cannot listen on ${where}`, { cause: error, problems: [problem], canRetry: code === 'EADDRINUSE' });
}
