import { Command } from 'commander';
import { benchOptions, BenchFlagsSchema } from '../bench/options.ts';
import { createProgress } from '../bench/progress.ts';
import { jsonReport, textReport } from '../bench/report.ts';
import { runBench } from '../bench/runner.ts';
import { createLogger } from '../observability/logger.ts';
import { ExitCode } from './exit.ts';
import { untilStopped } from './lifecycle.ts';
import { parseCommandOptions } from './options.ts';

/**
 * `fraud bench` (= `npm run bench`): throughput and latency of our pipeline beside Kafka's
 * own tools, in one run on this machine. Not a test: exit code 0 when it ran, whatever the
 * figures; 1 when a stage could not run.
 */
export function benchCommand(): Command {
  return new Command('bench')
    .description("measure throughput and latency of the pipeline against Kafka's own tools (starts its own broker on 127.0.0.1:19292)")
    .option('--brokers <list>', 'use this Kafka broker HOST:PORT[,...] instead of starting the local one')
    .option('--quick', 'a small version that ends within about two minutes (for CI)')
    .option('--only <stages>', 'run only these stages, e.g. a,c,d: a Kafka tools, b our clients, c detector rate, d latency, e embedded log, f memory, g dashboard, h state at scale, i decision API, j start-up, k backtest')
    .option('--json', 'print the figures as JSON on stdout instead of the table')
    .option('--records <n>', 'records per throughput stage (default 500,000; --quick 50,000)')
    .option('--latency-seconds <s>', 'seconds measured per latency rate (default 25; --quick 3)')
    .option('--state-accounts <n>', 'accounts in the state of stage h (default 1,000,000; --quick 20,000)')
    .option('--state-payments <n>', 'payments of each account over 90 days in stage h (default 12)')
    .option('--cpu-prof <dir>', 'write CPU profiles of the timed detector runs to this folder and list their heaviest functions')
    .action(async (flags: Record<string, unknown>) => {
      const options = benchOptions(parseCommandOptions(BenchFlagsSchema, flags));
      const progress = createProgress();
      // Ctrl-C ends the stage in flight early and still stops the broker the bench started.
      const result = await untilStopped(createLogger('info'), (signal) => runBench(options, progress, signal));
      progress.stop();
      process.stdout.write(options.json ? `${jsonReport(result)}\n` : textReport(result));
      if (result.failures.length > 0) process.exitCode = ExitCode.failure;
    });
}
