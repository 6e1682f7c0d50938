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
  return listenFailure(error, { what: 'the dashboard', host: options.host, port: options.port, hostFlag: '--host', portFlag: '--port' });
}

/** Why a server could not listen, as a configuration problem naming the flag to change where it is one. */
export function listenFailure(error: unknown, where: { what: string; host: string; port: number; hostFlag: string; portFlag: string }): unknown {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const { host, port, hostFlag, portFlag } = where;
  const problems: Record<string, string> = {
    EADDRINUSE: `port: ${port} is already in use on ${host} (${portFlag})`,
    EACCES: `port: ${port} needs privileges on ${host}; use a port above 1023 (${portFlag})`,
    EADDRNOTAVAIL: `host: ${host} is not an address of this machine (${hostFlag})`,
    ENOTFOUND: `host: ${host} does not resolve (${hostFlag})`,
  };
  const problem = typeof code === 'string' ? problems[code] : undefined;
  const message = `${where.what} cannot listen on ${host}:${port}`;
  if (problem === undefined) return new FraudError('FRAUD_INTERNAL', message, { cause: error });
  return new FraudError('FRAUD_CONFIG_INVALID', message, { cause: error, problems: [problem], canRetry: code === 'EADDRINUSE' });
}
