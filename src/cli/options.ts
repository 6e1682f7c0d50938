import { Command, Option } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { FraudError } from '../errors.ts';

/** Options every command that touches the log shares (see CONTRACT.md). */
export function addLogOptions(command: Command): Command {
  return command
    .option('--brokers <list>', 'Kafka brokers HOST:PORT[,...] (env KAFKA_BROKER_URL); without it, the embedded log')
    .option('--data-dir <dir>', "the embedded log's folder (env FRAUD_DATA_DIR)", undefined)
    .option('--partitions <n>', 'partitions of topics created (env FRAUD_PARTITIONS)')
    .option('--transactions-topic <name>', 'env TRANSACTIONS_TOPIC')
    .option('--legit-topic <name>', 'env LEGIT_TOPIC')
    .option('--fraud-topic <name>', 'env FRAUD_TOPIC')
    .option('--dead-letter-topic <name>', 'env DEAD_LETTER_TOPIC')
    .option('--config <file>', 'settings file, YAML or JSON (env FRAUD_CONFIG)')
    .addOption(new Option('--log-level <level>', 'env LOG_LEVEL').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']));
}

export function addDashboardOptions(command: Command): Command {
  return command
    .option('--host <host>', 'dashboard address (env DASHBOARD_HOST)')
    .option('--port <n>', 'dashboard port (env DASHBOARD_PORT)')
    .option('--token <token>', 'dashboard access token, required off loopback (env DASHBOARD_TOKEN)');
}

/** The decision API's settings (config.api); `--api-` so they never clash with the dashboard's in `fraud run`. */
export function addApiOptions(command: Command): Command {
  return command
    .option('--api-host <host>', 'decision API address (env API_HOST, default 127.0.0.1)')
    .option('--api-port <n>', 'decision API port, 0 = any free one (env API_PORT, default 5100)')
    .option('--api-token <token>', 'decision API bearer token, required off loopback (env API_TOKEN)')
    .option('--deadline-ms <ms>', 'a request without its decision by then gets the fallback, 503 (env API_DEADLINE_MS, default 200)')
    .addOption(new Option('--fallback <verdict>', 'verdict the 503 answer names (env API_FALLBACK, default review)').choices(['legit', 'allow', 'review']));
}

/** Settings from defaults, file, environment and these flags; exits with code 2 listing every problem. */
export function configFrom(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({ env, flags, file: typeof flags.config === 'string' ? flags.config : undefined });
}

/**
 * Validates a command's own options with one schema and reports every problem at once,
 * like the settings; combined with a configuration error when both are wrong.
 */
export function parseCommandOptions<T extends z.ZodType>(schema: T, flags: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(flags);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `--${kebab(String(issue.path[0] ?? 'option'))}: ${issue.message}`);
  throw new FraudError('FRAUD_USAGE', 'invalid options', { problems });
}

/** Runs both validations so that one start lists the problems of both. */
export function configAndOptions<T extends z.ZodType>(schema: T, flags: Record<string, unknown>): { config: Config; options: z.infer<T> } {
  const problems: string[] = [];
  let config: Config | undefined;
  let options: z.infer<T> | undefined;
  try {
    config = configFrom(flags);
  } catch (error) {
    if (!(error instanceof FraudError)) throw error;
    problems.push(...error.problems);
  }
  try {
    options = parseCommandOptions(schema, flags);
  } catch (error) {
    if (!(error instanceof FraudError)) throw error;
    problems.push(...error.problems);
  }
  if (!config || options === undefined || problems.length > 0) {
    throw new FraudError('FRAUD_CONFIG_INVALID', `the configuration has ${problems.length} problem(s)`, { problems });
  }
  return { config, options };
}

/** A string flag that must be a whole number in a range, when given. */
export const wholeNumberFlag = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .optional();

/** A span of simulated time in days (decimals allowed), above 0 and at most ten years, when given. */
/** Days after a generated transaction its scenario label is known (`knownAt`); 0: at once. */
export const labelDelayDaysFlag = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of days, 0 or more')
  .transform(Number)
  .pipe(z.number().max(365, 'must be at most 365'))
  .optional();

export const daysFlag = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of days')
  .transform(Number)
  .pipe(z.number().gt(0, 'must be above 0').max(3650, 'must be at most 3650'))
  .optional();

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
