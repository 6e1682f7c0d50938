import { isBrokerProcess } from './broker.ts';
import { bootstrapOf, clusterNodes, kafkaDirMode, type ClusterState } from './cluster-layout.ts';
import { runningPid } from './cluster.ts';
import { LOCAL_HOST, type NodeRole } from './node-config.ts';
import { jarCacheLayout, kafkaDirLayout, type KafkaDirLayout } from './paths.ts';
import { resolveLocalKafkaOptions, type LocalKafkaOptions, type ResolvedLocalKafkaOptions } from './options.ts';
import { probeBroker } from './ready.ts';
import { readBrokerState, readPidFile } from './state.ts';
import { isFormatted, readClusterId } from './storage.ts';

export interface LocalKafkaNodeStatus {
  id: number;
  role: NodeRole;
  address: string;
  /** Only when running. */
  pid?: number;
  running: boolean;
  /** A running broker: whether it answered a metadata request just now. Controllers answer no client request. */
  answering?: boolean;
  startedAt?: string;
  logFile: string;
}

export interface LocalKafkaStatus {
  /** Every node runs. */
  running: boolean;
  mode: 'single' | 'cluster';
  /** Only when running: whether every broker answered a metadata request just now (false while starting or stuck). */
  answering?: boolean;
  /** The (first) broker's pid, when it runs. */
  pid?: number;
  /** The brokers' (or, when stopped, the last run's or the requested) bootstrap addresses and version. */
  brokers: string;
  port: number;
  controllerPort: number;
  version: string;
  heap: string;
  startedAt?: string;
  formatted: boolean;
  clusterId?: string;
  kafkaDir: string;
  /** The single node's data; a cluster keeps each node's under its own folder of the kafka dir. */
  dataDir: string;
  logFile: string;
  jarsDir: string;
  nodes: LocalKafkaNodeStatus[];
}

/** Reads the kafka dir and asks the brokers once; never starts, stops or creates anything. */
export async function localKafkaStatus(options: LocalKafkaOptions = {}): Promise<LocalKafkaStatus> {
  const opts = resolveLocalKafkaOptions(options);
  const layout = kafkaDirLayout(opts.kafkaDir, opts.cwd);
  const mode = await kafkaDirMode(layout.root);
  if (mode.kind === 'cluster') return clusterStatus(opts, layout, mode.state);
  return singleStatus(opts, layout);
}

async function singleStatus(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout): Promise<LocalKafkaStatus> {
  const pid = await readPidFile(layout);
  const running = pid !== undefined && isBrokerProcess(pid, layout);
  const state = await readBrokerState(layout);
  const port = state?.port ?? opts.port;
  const version = state?.version ?? opts.version;
  const brokers = `${LOCAL_HOST}:${port}`;
  const node: LocalKafkaNodeStatus = { id: 1, role: 'broker,controller', address: brokers, running, logFile: layout.serverLog };
  const status: LocalKafkaStatus = {
    running,
    mode: 'single',
    brokers,
    port,
    controllerPort: state?.controllerPort ?? opts.controllerPort,
    version,
    heap: state?.heap ?? opts.heap,
    formatted: isFormatted(layout),
    clusterId: await readClusterId(layout),
    kafkaDir: layout.root,
    dataDir: layout.dataDir,
    logFile: layout.serverLog,
    jarsDir: jarCacheLayout(version, opts.env).libsDir,
    nodes: [node],
  };
  if (!running) return status;
  const answering = (await probeBroker(brokers)).ok;
  const startedAt = state?.startedAt;
  return { ...status, pid, startedAt, answering, nodes: [{ ...node, pid, startedAt, answering }] };
}

async function clusterStatus(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout, state: ClusterState): Promise<LocalKafkaStatus> {
  const nodes = clusterNodes(layout.root, state);
  const statuses = await Promise.all(
    nodes.map(async (node): Promise<LocalKafkaNodeStatus> => {
      const pid = await runningPid(node);
      const base = { id: node.id, role: node.role, address: node.address, running: pid !== undefined, logFile: node.layout.serverLog };
      if (pid === undefined) return base;
      const startedAt = (await readBrokerState(node.layout))?.startedAt;
      const answering = node.role === 'broker' ? (await probeBroker(node.address)).ok : undefined;
      return { ...base, pid, startedAt, ...(answering === undefined ? {} : { answering }) };
    }),
  );
  const brokers = statuses.filter((node) => node.role === 'broker');
  const running = statuses.every((node) => node.running);
  const firstBroker = nodes.find((node) => node.role === 'broker');
  const status: LocalKafkaStatus = {
    running,
    mode: 'cluster',
    brokers: bootstrapOf(nodes),
    port: state.port,
    controllerPort: state.controllerPort,
    version: state.version,
    heap: state.heap,
    formatted: nodes.every((node) => isFormatted(node.layout)),
    clusterId: state.clusterId,
    kafkaDir: layout.root,
    dataDir: layout.root,
    logFile: firstBroker?.layout.serverLog ?? layout.serverLog,
    jarsDir: jarCacheLayout(state.version, opts.env).libsDir,
    nodes: statuses,
  };
  const pid = brokers[0]?.pid;
  if (!running) return pid === undefined ? status : { ...status, pid };
  return { ...status, pid, startedAt: brokers[0]?.startedAt, answering: brokers.every((node) => node.answering === true) };
}
