import { Command } from 'commander';
import { z } from 'zod';
import { generatedTraffic } from '../generator/generated.ts';
import type { ProducerItem } from '../generator/items.ts';
import { produceItems } from '../generator/producer.ts';
import { randomSeed } from '../generator/random.ts';
import { replayJsonLines } from '../generator/replay.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { createLogger } from '../observability/logger.ts';
import { untilStopped } from './lifecycle.ts';
import { addLogOptions, configAndOptions, wholeNumberFlag } from './options.ts';
import { ProgressReporter } from './progress.ts';

const ProduceOptions = z.object({
  count: wholeNumberFlag(1, Number.MAX_SAFE_INTEGER),
  seed: wholeNumberFlag(0, 2 ** 31 - 1),
  from: z.string().min(1).optional(),
  startTime: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date')
    .transform((value) => Date.parse(value))
    .optional(),
  verbose: z.boolean().default(false),
});

export function produceCommand(): Command {
  return addLogOptions(new Command('produce'))
    .description('stream generated transactions (or your own, with --from) to the transactions topic')
    .option('--rate <n>', 'transactions per second, 0 = as fast as possible (env TRANSACTIONS_PER_SECOND, default 2)')
    .option('--count <n>', 'stop after N transactions')
    .option('--seed <n>', 'seed of the generator: the same seed gives the same stream')
    .option('--start-time <iso>', 'event time of the first generated transaction (default: now)')
    .option('--from <file>', 'replay transactions from a JSON-lines file instead of generating them ("-" = stdin)')
    .option('--verbose', 'print every transaction sent')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(ProduceOptions, flags);
      const logger = createLogger(config.logLevel);
      const log = await openLog(config);
      try {
        await log.ensureTopics(pipelineTopics(config));
        const producer = await log.createProducer();
        const seed = options.seed ?? randomSeed();
        const items: Iterable<ProducerItem> | AsyncIterable<ProducerItem> = options.from
          ? replayJsonLines(options.from, config.topics.transactions)
          : generatedTraffic(
              { seed, ratePerSecond: config.rate > 0 ? config.rate : 100, startTime: options.startTime ?? Date.now() },
              config.topics.transactions,
            );
        logger.info({ log: log.kind, topic: config.topics.transactions, rate: config.rate, seed: options.from ? undefined : seed }, 'producing');
        const progress = new ProgressReporter(logger, 'produced');
        const sent = await untilStopped(logger, (signal) =>
          produceItems(
            {
              producer,
              items,
              rate: config.rate,
              count: options.count,
              onSent: (batch) => {
                progress.add(batch.length);
                if (options.verbose) for (const item of batch) process.stdout.write(`${item.display}\n`);
              },
            },
            signal,
          ),
        );
        progress.finish();
        logger.info({ sent }, 'done');
      } finally {
        await log.close();
      }
    });
}
