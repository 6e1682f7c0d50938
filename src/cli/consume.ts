import { Command } from 'commander';
import { z } from 'zod';
import type { LogRecord } from '../log/types.ts';
import { openLog } from '../log/open.ts';
import { createLogger } from '../observability/logger.ts';
import { untilStopped } from './lifecycle.ts';
import { addLogOptions, configAndOptions, wholeNumberFlag } from './options.ts';

const ConsumeOptions = z.object({
  topic: z.string().min(1).optional(),
  fromBeginning: z.boolean().default(false),
  count: wholeNumberFlag(1, Number.MAX_SAFE_INTEGER),
  timeout: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds')
    .transform(Number)
    .optional(),
  envelope: z.boolean().default(false),
});

export function consumeCommand(): Command {
  return addLogOptions(new Command('consume'))
    .description("print a topic's records, one value per line (as kafka-console-consumer or kcat)")
    .option('--topic <name>', 'topic to read (default: the transactions topic)')
    .option('--from-beginning', 'start at the oldest record instead of new ones')
    .option('--count <n>', 'stop after N records')
    .option('--timeout <seconds>', 'stop when no record arrives for this long')
    .option('--envelope', 'print {topic, partition, offset, key, value} per record')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(ConsumeOptions, flags);
      const logger = createLogger(config.logLevel);
      const log = await openLog(config);
      try {
        const consumer = await log.createConsumer({
          topics: [options.topic ?? config.topics.transactions],
          startFrom: options.fromBeginning ? 'earliest' : 'latest',
        });
        await untilStopped(logger, async (stopped) => {
          // A reader that went away (`| head`) ends the command quietly, as for kcat.
          const closed = new AbortController();
          process.stdout.on('error', (error: NodeJS.ErrnoException) => {
            if (error.code === 'EPIPE') closed.abort();
          });
          const signal = AbortSignal.any([stopped, closed.signal]);
          let printed = 0;
          let idleSince = Date.now();
          while (!signal.aborted && (options.count === undefined || printed < options.count)) {
            const wanted = options.count === undefined ? 500 : Math.min(500, options.count - printed);
            const records = await consumer.poll({ maxRecords: wanted, maxWaitMs: 200, signal });
            for (const record of records) process.stdout.write(`${format(record, options.envelope)}\n`);
            printed += records.length;
            if (records.length > 0) idleSince = Date.now();
            else if (options.timeout !== undefined && Date.now() - idleSince >= options.timeout * 1000) break;
          }
        });
        await consumer.close();
      } finally {
        await log.close();
      }
    });
}

function format(record: LogRecord, envelope: boolean): string {
  const value = record.value === null ? 'null' : record.value.toString('utf8');
  if (!envelope) return value;
  let parsed: unknown = value;
  try {
    parsed = record.value === null ? null : JSON.parse(value);
  } catch {
    // not JSON: printed as a string
  }
  return JSON.stringify({
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key === null ? null : record.key.toString('utf8'),
    value: parsed,
    timestamp: record.timestamp,
  });
}
