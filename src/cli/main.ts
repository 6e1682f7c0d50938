import { Command, CommanderError } from 'commander';
import { FraudError } from '../errors.ts';
import { benchCommand } from './bench.ts';
import { consumeCommand } from './consume.ts';
import { dashboardCommand } from './dashboard.ts';
import { detectCommand } from './detect.ts';
import { evalCommand } from './eval.ts';
import { ExitCode, exitCodeFor, formatError } from './exit.ts';
import { kafkaCommand } from './kafka.ts';
import { produceCommand } from './produce.ts';
import { rulesCommand } from './rules.ts';
import { runCommand } from './run.ts';
import { trainCommand } from './train.ts';

/** Every command lives in its own file and is registered here, in the order `--help` lists them. */
const commandFactories: Array<() => Command> = [
  runCommand,
  produceCommand,
  detectCommand,
  dashboardCommand,
  consumeCommand,
  () => evalCommand(),
  () => trainCommand(),
  benchCommand,
  rulesCommand,
  kafkaCommand,
];

export function buildProgram(): Command {
  const program = new Command('fraud')
    .description('Real-time fraud detection on Apache Kafka or an embedded durable log')
    .showHelpAfterError()
    .exitOverride();
  for (const factory of commandFactories) program.addCommand(factory().exitOverride());
  return program;
}

/** Runs the CLI and returns the process exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command may report a result through the exit code without failing (`kafka status`).
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    process.stderr.write(`${formatError(error, process.env.FRAUD_DEBUG === '1')}\n`);
    return exitCodeFor(error);
  }
}

export { FraudError };
