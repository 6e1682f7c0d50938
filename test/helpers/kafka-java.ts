import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DEFAULT_KAFKA_VERSION, runKafkaTool } from '../../src/localkafka/index.ts';
import { prepareRuntime } from '../../src/localkafka/lifecycle.ts';
import { kafkaToolJavaArgs, type KafkaRuntime } from '../../src/localkafka/tools.ts';

/**
 * Kafka's own command line tools, run from the jars `fraud kafka` fetched: the checks of
 * the cluster tests do not trust our client to judge our client.
 */
let runtime: Promise<KafkaRuntime> | undefined;

function kafkaRuntime(): Promise<KafkaRuntime> {
  runtime ??= prepareRuntime({ version: DEFAULT_KAFKA_VERSION, env: process.env, onProgress: () => undefined }).then((prepared) => prepared.runtime);
  return runtime;
}

/** One record as ConsoleConsumer prints it with print.partition and print.offset. */
export interface ConsoleRecord {
  partition: number;
  offset: number;
  value: string;
}

export interface ConsoleConsumerRun {
  records: ConsoleRecord[];
  /** Everything it wrote to stderr (its log and, at the end, "Processed a total of N messages"). */
  stderr: () => string;
  exited: Promise<number | null>;
  /** SIGTERM, as a user's Ctrl-C: its shutdown hook closes the consumer. */
  stop(): Promise<void>;
}

export interface ConsoleConsumerRequest {
  brokers: string;
  /** A Java regex of topics (--include). */
  include: string;
  group: string;
  isolation: 'read_committed' | 'read_uncommitted';
  /** Exit after this long without a record (--timeout-ms); runs until stopped otherwise. */
  idleTimeoutMs?: number;
  log4jConfig: string;
}

/** kafka-console-consumer.sh from the beginning of the topics, in the background. */
export async function startConsoleConsumer(request: ConsoleConsumerRequest): Promise<ConsoleConsumerRun> {
  const args = [
    '--bootstrap-server', request.brokers,
    '--include', request.include,
    '--group', request.group,
    '--from-beginning',
    '--isolation-level', request.isolation,
    '--formatter-property', 'print.partition=true',
    '--formatter-property', 'print.offset=true',
    ...(request.idleTimeoutMs === undefined ? [] : ['--timeout-ms', String(request.idleTimeoutMs)]),
  ];
  const java = await kafkaRuntime();
  const javaArgs = kafkaToolJavaArgs(java, { mainClass: 'org.apache.kafka.tools.consumer.ConsoleConsumer', args, heap: '256m', log4jConfig: request.log4jConfig });
  const child: ChildProcess = spawn(java.java, javaArgs, { env: java.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: ConsoleRecord[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-200_000);
  });
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^Partition:(\d+)\tOffset:(\d+)\t(.*)$/.exec(line);
      if (match) records.push({ partition: Number(match[1]), offset: Number(match[2]), value: match[3] ?? '' });
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    records,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One row of `kafka-transactions.sh find-hanging`. */
export interface HangingTransaction {
  topic: string;
  partition: number;
  producerId: string;
  line: string;
}

/**
 * `kafka-transactions.sh find-hanging --broker-id N`: transactions open on the broker's
 * partitions that their coordinator does not know (or no longer lists the partition of),
 * i.e. that no marker will ever close. --max-transaction-timeout 0 looks at every open
 * one, not only those older than 15 minutes.
 */
export async function findHanging(brokers: string, brokerId: number, log4jConfig: string): Promise<HangingTransaction[]> {
  const result = await runKafkaTool(await kafkaRuntime(), {
    mainClass: 'org.apache.kafka.tools.TransactionsCommand',
    args: ['--bootstrap-server', brokers, 'find-hanging', '--broker-id', String(brokerId), '--max-transaction-timeout', '0'],
    heap: '256m',
    log4jConfig,
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`find-hanging --broker-id ${brokerId} exited with ${String(result.code)}: ${result.stderr.slice(-2000)} ${result.stdout.slice(-2000)}`);
  const lines = result.stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (!lines[0]?.startsWith('Topic')) throw new Error(`find-hanging printed no table: ${result.stdout.slice(-2000)}`);
  return lines.slice(1).map((line) => {
    const [topic = '', partition = '', producerId = ''] = line.split(/\s+/);
    return { topic, partition: Number(partition), producerId, line };
  });
}
