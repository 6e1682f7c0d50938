import { once } from 'node:events';
import { Command } from 'commander';
import { z } from 'zod';
import { checkDashboardSettings, startDashboard } from '../dashboard/index.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { untilStopped } from './lifecycle.ts';
import { addDashboardOptions, addLogOptions, configAndOptions } from './options.ts';

// Host, port and token are settings (config.dashboard), read by configAndOptions.
const DashboardCommandOptions = z.object({
  rules: z.string().min(1).optional(),
});

export function dashboardCommand(): Command {
  return addDashboardOptions(addLogOptions(new Command('dashboard')))
    .description('serve the live web dashboard of decisions (default http://127.0.0.1:5000/)')
    .option('--rules <file>', "the detector's ruleset file, for rule descriptions (default: the shipped ruleset; the rules topic is followed too)")
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(DashboardCommandOptions, flags);
      checkDashboardSettings(config.dashboard);
      const logger = createLogger(config.logLevel);
      const log = await openLog(config);
      try {
        await log.ensureTopics(pipelineTopics(config));
        await untilStopped(logger, async (signal) => {
          const dashboard = await startDashboard({
            log,
            topics: config.topics,
            ...config.dashboard,
            metrics: createMetrics(),
            logger,
            followRules: { file: options.rules },
          });
          process.stdout.write(`${dashboard.url}${config.dashboard.token === undefined ? '' : '  (first visit: add ?token=<your token>)'}\n`);
          if (!signal.aborted) await once(signal, 'abort');
          await dashboard.close();
        });
      } finally {
        await log.close();
      }
    });
}
