import type { AddressInfo } from 'node:net';
import { urlFor } from '../dashboard/options.ts';
import { listenFailure } from '../dashboard/start.ts';
import { checkApiSettings } from './options.ts';
import { buildApi } from './server.ts';
import type { ApiOptions, RunningApi } from './types.ts';

/** Builds the decision API and listens; `close()` lets requests in flight finish (within their deadline), then stops (not the log). */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  checkApiSettings(options.settings);
  const app = await buildApi(options);
  const { host, port } = options.settings;
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw listenFailure(error, { what: 'the decision API', host, port, hostFlag: '--api-host', portFlag: '--api-port' });
  }
  const address = app.server.address() as AddressInfo;
  const url = urlFor(host, address.port);
  options.logger.info({ url, token: options.settings.token !== undefined, deadlineMs: options.settings.deadlineMs }, 'decision API listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= app.close().then(() => options.logger.info('decision API closed'));
      return closing;
    },
  };
}
