import { join } from 'node:path';
import { FraudError } from '../errors.ts';
import { clusterNodes, kafkaDirMode, type KafkaDirMode } from './cluster-layout.ts';
import { startCluster, stopNodes } from './cluster.ts';
import { withLockFile } from './lock.ts';
import { resolveLocalKafkaOptions, type LocalKafkaOptions, type ResolvedLocalKafkaOptions } from './options.ts';
import { kafkaDirLayout } from './paths.ts';
import type { LocalKafkaStarted, LocalKafkaStopped } from './results.ts';
import { startSingle, stopSingle } from './single.ts';

export type { LocalKafkaNode, LocalKafkaStarted, LocalKafkaStopped } from './results.ts';
export { prepareRuntime } from './runtime.ts';

/**
 * Starts the broker of a kafka dir, or the nodes of its cluster that are down, or returns
 * what is already running (idempotent, so every test file may call it). Jars are fetched
 * and storage formatted only the first time.
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafkaStarted> {
  const opts = resolveLocalKafkaOptions(options);
  const layout = kafkaDirLayout(opts.kafkaDir, opts.cwd);
  const lockWaitMs = opts.readyTimeoutMs + 10 * 60_000;
  return withLockFile(join(layout.root, 'start.lock'), { waitMs: lockWaitMs }, async () => {
    const mode = await kafkaDirMode(layout.root);
    const brokers = brokersFor(opts, mode, layout.root);
    if (brokers === 1) return startSingle(opts, layout);
    return startCluster({ opts, root: layout.root, recorded: mode.kind === 'cluster' ? mode.state : undefined, brokers });
  });
}

/**
 * How many brokers to run: what was asked, else what the kafka dir holds. Turning a single
 * node into a cluster (or back), or resizing a cluster, is refused: their data differ.
 */
export function brokersFor(opts: Pick<ResolvedLocalKafkaOptions, 'brokers'>, mode: KafkaDirMode, root: string): number {
  const held = mode.kind === 'cluster' ? mode.state.brokers : mode.kind === 'single' ? 1 : undefined;
  if (opts.brokers === undefined || held === undefined || opts.brokers === held) return opts.brokers ?? held ?? 1;
  const holds = held === 1 ? 'a single-node broker' : `a cluster of ${held} brokers`;
  throw new FraudError('FRAUD_USAGE', `${root} holds ${holds}, not ${opts.brokers}`, {
    problems: [`run with --brokers ${held}, or choose another --kafka-dir (or remove this one: its topics are lost)`],
  });
}

export interface StopRequest extends LocalKafkaOptions {
  /** Stop only this node of a cluster (e.g. to bounce one broker); all of them otherwise. */
  node?: number;
}

/** Stops the broker, or every node of the cluster, of a kafka dir; stopping what is not running is not an error. */
export async function stopLocalKafka(options: StopRequest = {}): Promise<LocalKafkaStopped> {
  const { node, ...rest } = options;
  const opts = resolveLocalKafkaOptions(rest);
  const layout = kafkaDirLayout(opts.kafkaDir, opts.cwd);
  const mode = await kafkaDirMode(layout.root);
  if (mode.kind !== 'cluster') {
    if (node !== undefined && node !== 1) throw new FraudError('FRAUD_USAGE', `${layout.root} holds no cluster: it has no node ${node}`);
    return stopSingle(opts, layout);
  }
  const nodes = clusterNodes(layout.root, mode.state);
  const targets = node === undefined ? nodes : nodes.filter((candidate) => candidate.id === node);
  if (targets.length === 0) {
    throw new FraudError('FRAUD_USAGE', `the cluster in ${layout.root} has no node ${String(node)}`, { problems: [`its nodes: ${nodes.map((n) => n.id).join(', ')}`] });
  }
  opts.onProgress(`stopping ${targets.map((target) => target.name).join(', ')}`);
  const stopped = await stopNodes(targets, opts.stopTimeoutMs);
  const first = stopped[0];
  const signal = stopped.some((entry) => entry.signal === 'SIGKILL') ? 'SIGKILL' : first?.signal;
  return { wasRunning: stopped.length > 0, pid: first?.pid, signal, nodes: stopped };
}
