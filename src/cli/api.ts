import { once } from 'node:events';
import { Command } from 'commander';
import { z } from 'zod';
import { checkApiSettings, startApi } from '../api/index.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { untilStopped } from './lifecycle.ts';
import { addApiOptions, addLogOptions, configAndOptions } from './options.ts';

// Host, port, token, deadline and fallback are settings (config.api), read by configAndOptions.
const ApiCommandOptions = z.object({});

/** `fraud api`: POST /v1/decisions answers with the stream's decision (the detectors must run: `fraud detect`). */
export function apiCommand(): Command {
  return addApiOptions(addLogOptions(new Command('api')))
    .description('serve the synchronous decision API, POST /v1/decisions (default http://127.0.0.1:5100/); `fraud detect` decides')
    .action(async (flags: Record<string, unknown>) => {
      const { config } = configAndOptions(ApiCommandOptions, flags);
      checkApiSettings(config.api);
      const logger = createLogger(config.logLevel);
      const log = await openLog(config);
      try {
        await log.ensureTopics(pipelineTopics(config));
        await untilStopped(logger, async (signal) => {
          const api = await startApi({ log, topics: config.topics, settings: config.api, maxRecordBytes: config.maxRecordBytes, metrics: createMetrics(), logger });
          process.stdout.write(`${api.url}\n`); // scripts read the URL, as the dashboard's
          if (!signal.aborted) await once(signal, 'abort');
          await api.close();
        });
      } finally {
        await log.close();
      }
    });
}
