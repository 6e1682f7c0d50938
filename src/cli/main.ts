import { Command, CommanderError, Help } from 'commander';
import { FraudError } from '../errors.ts';
import { ExitCode, exitCodeFor, formatError } from './exit.ts';
import { packageVersion } from './version.ts';

/**
 * Every command lives in its own file and loads lazily: `fraud --help` reads only this
 * table, and `fraud X` imports only X's file (and what that file imports), so a command
 * never pays for another's dependencies (`fraud consume` loads no web server, `--help`
 * loads nothing at all).
 *
 * To add a command: write src/cli/x.ts exporting `xCommand(): Command` (top-level imports
 * there are fine: they load only when X runs), then add one line below, in the order
 * `--help` lists the commands, with the command's name and its description as the file
 * gives it (test/cli/commands.test.ts checks that they match). Never import a command file
 * statically here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', summary: 'generator, detector, dashboard and decision API in one process; open the printed URL', load: async () => (await import('./run.ts')).runCommand() },
  { name: 'produce', summary: 'stream generated transactions (or your own, with --from) to the transactions topic', load: async () => (await import('./produce.ts')).produceCommand() },
  { name: 'detect', summary: 'consume transactions, decide each one, route it to the legit, fraud or dead-letter topic', load: async () => (await import('./detect.ts')).detectCommand() },
  { name: 'dashboard', summary: 'serve the live web dashboard of decisions (default http://127.0.0.1:5000/)', load: async () => (await import('./dashboard.ts')).dashboardCommand() },
  { name: 'api', summary: 'serve the synchronous decision API, POST /v1/decisions (default http://127.0.0.1:5100/); `fraud detect` decides', load: async () => (await import('./api.ts')).apiCommand() },
  { name: 'consume', summary: "print a topic's records, one value per line (as kafka-console-consumer or kcat)", load: async () => (await import('./consume.ts')).consumeCommand() },
  { name: 'eval', summary: 'run a labelled scenario stream through the detector and score it against the seed rule', load: async () => (await import('./eval.ts')).evalCommand() },
  { name: 'labels', summary: 'write labels (JSON lines: id, fraud, knownAt, source) to the labels topic, from a file or - for standard input', load: async () => (await import('./labels.ts')).labelsCommand() },
  { name: 'train', summary: "train a fraud model on a labelled history, through the detector's own feature code", load: async () => (await import('./train.ts')).trainCommand() },
  { name: 'backtest', summary: 'decide a history with a candidate ruleset or model beside the baseline, and report what would have changed', load: async () => (await import('./backtest.ts')).backtestCommand() },
  { name: 'bench', summary: "measure throughput and latency of the pipeline against Kafka's own tools (starts its own broker on 127.0.0.1:19292)", load: async () => (await import('./bench.ts')).benchCommand() },
  { name: 'rules', summary: 'check, publish, list, compare and roll back rulesets (hot reload through the rules topic, every version kept in the audit topic)', args: '<command>', load: async () => (await import('./rules.ts')).rulesCommand() },
  { name: 'kafka', summary: 'a local Apache Kafka 4.4.0 for development and tests, one node or a cluster (needs Java 17+; Maven on first start)', args: '<command>', load: async () => (await import('./kafka.ts')).kafkaCommand() },
  { name: 'completion', summary: 'print a shell completion script: bash or zsh', args: '<bash|zsh>', load: async () => (await import('./completion.ts')).completionCommand(loadAllCommands) },
];

export interface CommandEntry {
  name: string;
  /** The command's description, for the top-level help without loading the command. */
  summary: string;
  /** What follows the name in the top-level help: `[options]` unless given (`<command>` for a command with subcommands). */
  args?: string;
  load: () => Promise<Command>;
}

/**
 * The program with `only` loaded for real and every other command as a placeholder that
 * carries its name and summary: enough for `fraud --help` and for commander's suggestions
 * on a typo.
 */
export function buildProgram(only: readonly Command[] = []): Command {
  const program = new Command('fraud')
    .description('Real-time fraud detection on Apache Kafka or an embedded durable log')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
    .configureHelp({ subcommandTerm });
  for (const entry of COMMANDS) {
    const loaded = only.find((command) => command.name() === entry.name);
    program.addCommand((loaded ?? placeholder(entry)).exitOverride());
  }
  return program;
}

/** Every command, loaded: for `fraud completion` and the tests, never on a normal start. */
export async function loadAllCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map((entry) => entry.load()));
}

/** Runs the CLI and returns the process exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  try {
    const wanted = commandNamed(argv.slice(2));
    const program = buildProgram(wanted ? [await wanted.load()] : []);
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

/** The command the arguments run: the first word (`fraud consume ...`), or the one `fraud help X` asks about. */
function commandNamed(args: string[]): CommandEntry | undefined {
  const [first, second] = args;
  const name = first === 'help' ? second : first;
  return COMMANDS.find((entry) => entry.name === name);
}

function placeholder(entry: CommandEntry): Command {
  return new Command(entry.name).description(entry.summary);
}

/** How the top-level help shows each command, the same whether it is loaded or a placeholder. */
function subcommandTerm(command: Command): string {
  const entry = COMMANDS.find((item) => item.name === command.name());
  return entry ? `${entry.name} ${entry.args ?? '[options]'}` : new Help().subcommandTerm(command);
}

export { FraudError };
