import { Command } from 'commander';
import { FraudError } from '../errors.ts';
import {
  DEFAULT_KAFKA_VERSION,
  localKafkaStatus,
  startLocalKafka,
  stopLocalKafka,
  type LocalKafkaSettings,
  type LocalKafkaStatus,
} from '../localkafka/index.ts';
import { LocalKafkaSettingsSchema } from '../localkafka/options.ts';

/** Where the command writes; tests pass their own to read what a user would see. */
export interface KafkaCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: KafkaCommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Flags as commander hands them over: text, checked by kafkaSettingsFromFlags. */
export interface KafkaFlags {
  port: string;
  controllerPort?: string;
  kafkaDir: string;
  heap: string;
  timeout?: string;
  brokers?: string;
  node?: string;
  json?: boolean;
}

/** `fraud kafka start|stop|status`: a local Kafka, one node or a cluster, for development and tests. */
export function kafkaCommand(io: KafkaCommandIo = processIo): Command {
  const kafka = new Command('kafka').description(
    `a local Apache Kafka ${DEFAULT_KAFKA_VERSION} for development and tests, one node or a cluster (needs Java 17+; Maven on first start)`,
  );
  kafka.addCommand(startCommand(io));
  kafka.addCommand(stopCommand(io));
  kafka.addCommand(statusCommand(io));
  return kafka;
}

function startCommand(io: KafkaCommandIo): Command {
  return withCommonOptions(new Command('start'), 'seconds to wait until the broker answers', '90')
    .description(
      'start the broker, or the nodes of the cluster that are down, in the background (fetching the jars and formatting the storage the first time) and print the bootstrap addresses',
    )
    .option('--brokers <n>', 'brokers: 1 = one node that is broker and controller; 3 = a KRaft controller and three brokers on port, port+1, port+2 (default: what the kafka dir holds, else 1)')
    .action(async (flags: KafkaFlags) => {
      const settings = kafkaSettingsFromFlags(flags, 'start');
      const started = await startLocalKafka({ ...settings, onProgress: (message) => io.err(`kafka: ${message}\n`) });
      const how = started.startedNow ? `started in ${(started.timings.startMs / 1000).toFixed(1)} s` : 'was already running';
      const what = started.nodes.length > 1 ? `cluster (${started.nodes.map((node) => `${node.role} ${node.id} pid ${String(node.pid)}`).join(', ')})` : `(pid ${started.pid})`;
      io.err(`kafka: Kafka ${started.version} ${what} ${how}; stop it with \`fraud kafka stop\`\n`);
      // Only the address on stdout, so `export KAFKA_BROKER_URL=$(fraud kafka start)` works.
      io.out(`${started.brokers}\n`);
    });
}

function stopCommand(io: KafkaCommandIo): Command {
  return withCommonOptions(new Command('stop'), 'seconds to wait for a clean shutdown before SIGKILL', '30')
    .description('stop the broker, or every node of the cluster: SIGTERM, then SIGKILL if one has not exited in time; topics are kept')
    .option('--node <id>', 'stop only this node of the cluster (e.g. to bounce one broker; `start` brings it back)')
    .action(async (flags: KafkaFlags) => {
      const settings = kafkaSettingsFromFlags(flags, 'stop');
      const node = flags.node === undefined ? undefined : parseWholeNumber(flags.node, '--node', []);
      if (node !== undefined && Number.isNaN(node)) throw new FraudError('FRAUD_USAGE', 'invalid options for fraud kafka stop', { problems: [`--node must be a whole number, got '${String(flags.node)}'`] });
      const stopped = await stopLocalKafka({ ...settings, node });
      if (!stopped.wasRunning) {
        io.out('kafka: not running\n');
        return;
      }
      for (const entry of stopped.nodes) {
        const how = entry.signal === 'SIGKILL' ? 'killed after the timeout' : 'clean shutdown';
        const which = stopped.nodes.length > 1 || entry.role !== 'broker,controller' ? `${entry.role} ${entry.id} ` : '';
        io.out(`kafka: stopped ${which}(pid ${String(entry.pid)}, ${how})\n`);
      }
    });
}

function statusCommand(io: KafkaCommandIo): Command {
  return withCommonOptions(new Command('status'))
    .description(
      'say whether the broker (every node of a cluster) runs, with pids, addresses, version and folders; exit code 0 when all run, 1 otherwise',
    )
    .option('--json', "print the status as JSON: nodes[] with each node's id, role, address and pid")
    .action(async (flags: KafkaFlags) => {
      const status = await localKafkaStatus(kafkaSettingsFromFlags(flags, 'status'));
      io.out(flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      // Like `systemctl status`: the answer is in the exit code too, for scripts.
      if (!status.running) process.exitCode = 1;
    });
}

function withCommonOptions(command: Command, timeoutHelp?: string, timeoutDefault?: string): Command {
  command
    .option('--port <n>', 'client port on 127.0.0.1', '9092')
    .option('--controller-port <n>', 'KRaft controller port on 127.0.0.1 (default: port + 1)')
    .option('--kafka-dir <dir>', 'broker state: config, KRaft data, logs, pid', '.kafka')
    .option('--heap <size>', 'JVM heap of the broker, e.g. 512m or 2g', '1g');
  if (timeoutHelp !== undefined) command.option('--timeout <seconds>', timeoutHelp, timeoutDefault);
  // main() registers `kafka` with exitOverride, which subcommands do not inherit: without
  // it here, a bad flag would call process.exit from inside commander.
  return command.showHelpAfterError().exitOverride();
}

const FLAG_NAMES: Record<string, string> = {
  port: '--port',
  controllerPort: '--controller-port',
  kafkaDir: '--kafka-dir',
  heap: '--heap',
  readyTimeoutMs: '--timeout',
  stopTimeoutMs: '--timeout',
  brokers: '--brokers',
};

/** Turns flag text into settings, reporting every bad flag at once as FRAUD_USAGE. */
export function kafkaSettingsFromFlags(flags: KafkaFlags, command: 'start' | 'stop' | 'status'): LocalKafkaSettings {
  const problems: string[] = [];
  const port = parseWholeNumber(flags.port, '--port', problems);
  const controllerPort =
    flags.controllerPort === undefined ? undefined : parseWholeNumber(flags.controllerPort, '--controller-port', problems);
  const timeout = flags.timeout === undefined ? undefined : parseWholeNumber(flags.timeout, '--timeout', problems);
  const brokers = flags.brokers === undefined ? undefined : parseWholeNumber(flags.brokers, '--brokers', problems);
  const timeoutMs = timeout === undefined ? {} : { [command === 'stop' ? 'stopTimeoutMs' : 'readyTimeoutMs']: timeout * 1000 };
  const settings: LocalKafkaSettings = { kafkaDir: flags.kafkaDir, heap: flags.heap, port, controllerPort, ...timeoutMs, ...(brokers === undefined ? {} : { brokers }) };
  const parsed = LocalKafkaSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      // A flag whose text was not a number is already reported; zod would only repeat it as NaN.
      if (!problems.some((problem) => problem.startsWith(`${FLAG_NAMES[key] ?? key} `))) {
        problems.push(`${FLAG_NAMES[key] ?? key} ${issue.message}`);
      }
    }
  }
  if (problems.length > 0) throw new FraudError('FRAUD_USAGE', `invalid options for fraud kafka ${command}`, { problems });
  return settings;
}

function parseWholeNumber(text: string, flag: string, problems: string[]): number {
  if (/^[0-9]+$/.test(text.trim())) return Number(text.trim());
  problems.push(`${flag} must be a whole number, got '${text}'`);
  return Number.NaN;
}

export function formatStatus(status: LocalKafkaStatus): string {
  if (status.mode === 'cluster') return formatClusterStatus(status);
  const head = status.running
    ? `running  pid ${String(status.pid)}  ${status.brokers}  Kafka ${status.version}`
    : `stopped  ${status.formatted ? `last ran as ${status.brokers}, Kafka ${status.version}` : 'never started in this kafka dir'}`;
  const rows: Array<[string, string | undefined]> = [
    ['answering', status.answering === undefined ? undefined : status.answering ? 'yes' : 'no (still starting, or stuck: see the log)'],
    ['started', status.startedAt],
    ['controller', status.running ? `127.0.0.1:${status.controllerPort}` : undefined],
    ['heap', status.running ? status.heap : undefined],
    ['cluster id', status.clusterId],
    ['kafka dir', status.kafkaDir],
    ['data', status.dataDir],
    ['log', status.logFile],
    ['jars', status.jarsDir],
  ];
  const lines = rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([key, value]) => `  ${`${key}:`.padEnd(12)}${value}`);
  return [head, ...lines].join('\n') + '\n';
}

function formatClusterStatus(status: LocalKafkaStatus): string {
  const up = status.nodes.filter((node) => node.running).length;
  const state = status.running ? 'running' : up === 0 ? 'stopped' : 'degraded';
  const head = `${state}  cluster of ${status.nodes.length - 1} brokers and a controller, ${up} of ${status.nodes.length} nodes up  Kafka ${status.version}`;
  const nodes = status.nodes.map((node) => {
    const answer = node.answering === undefined ? '' : node.answering ? '  answering' : '  not answering';
    return `  ${`${node.role} ${node.id}`.padEnd(14)}${node.address.padEnd(17)}${node.running ? `pid ${String(node.pid)}${answer}` : 'down'}`;
  });
  const rows = [`  ${'brokers:'.padEnd(12)}${status.brokers}`, `  ${'cluster id:'.padEnd(12)}${String(status.clusterId)}`, `  ${'kafka dir:'.padEnd(12)}${status.kafkaDir}`, `  ${'jars:'.padEnd(12)}${status.jarsDir}`];
  return [head, ...nodes, ...rows].join('\n') + '\n';
}
