import { FraudError } from '../errors.ts';
import { brokerLogTail, isBrokerProcess, spawnBroker, terminateBroker } from './broker.ts';
import { bootstrapOf, clusterNodes, CONTROLLER_ID, writeClusterState, type ClusterNode, type ClusterState } from './cluster-layout.ts';
import { writeNodeConfig } from './config.ts';
import { LOCAL_HOST, renderNodeProperties } from './node-config.ts';
import type { ResolvedLocalKafkaOptions } from './options.ts';
import { busyPorts } from './ports.ts';
import { waitForBroker, waitForPort } from './ready.ts';
import type { LocalKafkaNode, LocalKafkaStarted, LocalKafkaStopped } from './results.ts';
import { prepareRuntime } from './runtime.ts';
import { readPidFile, removePidFile, writeBrokerState, writePidFile } from './state.ts';
import { formatStorageOnce, newClusterId, readClusterId } from './storage.ts';
import type { KafkaRuntime } from './tools.ts';

/** A KRaft controller needs far less than a broker: it keeps only the metadata. */
const CONTROLLER_HEAP = '256m';

export interface ClusterRequest {
  opts: ResolvedLocalKafkaOptions;
  root: string;
  /** What the kafka dir recorded, if it holds a cluster already. */
  recorded: ClusterState | undefined;
  brokers: number;
}

/** The pid of a node when it runs (and is this node's process, not a stranger with a reused pid). */
export async function runningPid(node: ClusterNode): Promise<number | undefined> {
  const pid = await readPidFile(node.layout);
  return pid !== undefined && isBrokerProcess(pid, node.layout) ? pid : undefined;
}

/**
 * Starts the nodes of a cluster that are down (all of them the first time, formatting
 * their storage with one cluster id), then waits until every broker answers and sees
 * all the others. Nodes that already run are left alone, so this is how a broker that
 * was killed comes back. Called with the start lock held.
 */
export async function startCluster(request: ClusterRequest): Promise<LocalKafkaStarted> {
  const { opts, root } = request;
  const state = await clusterStateFor(request);
  const nodes = clusterNodes(root, state);
  const pids = new Map<number, number>();
  for (const node of nodes) {
    const pid = await runningPid(node);
    if (pid !== undefined) pids.set(node.id, pid);
  }
  const down = nodes.filter((node) => !pids.has(node.id));
  const began = Date.now();
  let jarsMs = 0;
  if (down.length > 0) {
    await checkPortsFree(down);
    const prepared = await prepareRuntime(opts);
    jarsMs = prepared.jarsMs;
    await writeClusterState(root, state);
    await prepareNodes(prepared.runtime, state, down, opts);
    for (const [id, pid] of await spawnNodes(prepared.runtime, state, down, opts)) pids.set(id, pid);
  }
  await waitForBrokers(nodes, pids, state, opts, down);
  const brokerPid = pids.get(1) ?? 0;
  return {
    brokers: bootstrapOf(nodes),
    pid: brokerPid,
    startedNow: down.length > 0,
    version: state.version,
    kafkaDir: root,
    timings: { jarsMs, startMs: Date.now() - began - jarsMs },
    nodes: nodes.map((node) => describeNode(node, pids.get(node.id))),
    startedNodes: down.map((node) => node.id),
  };
}

/**
 * The running cluster keeps its ports and version; a stopped one takes the ones asked for
 * (its data and cluster id stay). A new one records them with a fresh cluster id.
 */
async function clusterStateFor(request: ClusterRequest): Promise<ClusterState> {
  const { opts, recorded, brokers, root } = request;
  if (recorded) {
    const anyRunning = (await Promise.all(clusterNodes(root, recorded).map(runningPid))).some((pid) => pid !== undefined);
    if (anyRunning) return recorded;
  }
  return {
    version: opts.version,
    brokers,
    port: opts.port,
    controllerPort: opts.controllerPortGiven ? opts.controllerPort : opts.port + brokers,
    heap: opts.heap,
    clusterId: recorded?.clusterId ?? newClusterId(),
    createdAt: recorded?.createdAt ?? new Date().toISOString(),
  };
}

async function checkPortsFree(nodes: ClusterNode[]): Promise<void> {
  const busy = await busyPorts(LOCAL_HOST, nodes.map((node) => node.port));
  if (busy.length === 0) return;
  throw new FraudError('FRAUD_KAFKA_SETUP', `port(s) ${busy.join(', ')} are in use on ${LOCAL_HOST} by another program (a broker of another --kafka-dir?)`, {
    problems: ['free them, or choose other ports with --port N (brokers on N, N+1, …; the controller after them, or --controller-port)'],
  });
}

/** Writes every down node's config (its ports may have changed) and formats the ones never formatted, in parallel. */
async function prepareNodes(runtime: KafkaRuntime, state: ClusterState, down: ClusterNode[], opts: ResolvedLocalKafkaOptions): Promise<void> {
  for (const node of down) await writeNodeConfig(node.layout, nodeProperties(node, state));
  const formatted = await Promise.all(down.map((node) => formatStorageOnce(runtime, node.layout, { clusterId: state.clusterId, standalone: false })));
  const fresh = down.filter((_, i) => formatted[i]?.formattedNow);
  if (fresh.length > 0) opts.onProgress(`formatted the KRaft storage of ${fresh.map((node) => node.name).join(', ')} (cluster ${state.clusterId})`);
  for (const node of down) {
    const id = await readClusterId(node.layout);
    if (id !== state.clusterId) {
      throw new FraudError('FRAUD_KAFKA_SETUP', `${node.layout.dataDir} belongs to cluster ${String(id)}, not ${state.clusterId}`, {
        problems: [`remove ${node.layout.root} to let it join this cluster afresh, or use another --kafka-dir`],
      });
    }
  }
}

function nodeProperties(node: ClusterNode, state: ClusterState): string {
  return renderNodeProperties({
    role: node.role,
    nodeId: node.id,
    port: node.role === 'broker' ? node.port : undefined,
    controllerPort: state.controllerPort,
    quorum: { kind: 'static', controllerId: CONTROLLER_ID },
    dataDir: node.layout.dataDir,
    brokers: state.brokers,
  });
}

/** The controller first (brokers register with it), then the brokers together. */
async function spawnNodes(runtime: KafkaRuntime, state: ClusterState, down: ClusterNode[], opts: ResolvedLocalKafkaOptions): Promise<Map<number, number>> {
  const pids = new Map<number, number>();
  const spawnOne = async (node: ClusterNode): Promise<void> => {
    const heap = node.role === 'controller' ? CONTROLLER_HEAP : state.heap;
    opts.onProgress(`starting ${node.name} (node ${node.id}) on ${node.address} (heap ${heap}, logs in ${node.layout.logsDir})`);
    const pid = await spawnBroker(runtime, node.layout, heap);
    pids.set(node.id, pid);
    await writePidFile(node.layout, pid);
    await writeBrokerState(node.layout, { version: state.version, port: node.port, controllerPort: state.controllerPort, heap, pid, startedAt: new Date().toISOString() });
  };
  try {
    const controller = down.find((node) => node.role === 'controller');
    if (controller) {
      await spawnOne(controller);
      const pid = pids.get(controller.id) ?? 0;
      await waitForPort({
        host: LOCAL_HOST,
        port: controller.port,
        timeoutMs: opts.readyTimeoutMs,
        isAlive: () => isBrokerProcess(pid, controller.layout),
        logTail: () => brokerLogTail(controller.layout),
        what: 'the KRaft controller',
      });
    }
    for (const node of down) if (node.role === 'broker') await spawnOne(node);
  } catch (error) {
    await stopStarted(down, pids, opts);
    throw error;
  }
  return pids;
}

/**
 * Every broker must answer and list all brokers: only then have they registered with the
 * controller and been let in. Nodes started by this call are stopped again on failure.
 */
async function waitForBrokers(nodes: ClusterNode[], pids: Map<number, number>, state: ClusterState, opts: ResolvedLocalKafkaOptions, started: ClusterNode[]): Promise<void> {
  const controller = nodes.find((node) => node.role === 'controller');
  try {
    await Promise.all(
      nodes
        .filter((node) => node.role === 'broker')
        .map((node) =>
          waitForBroker({
            address: node.address,
            timeoutMs: opts.readyTimeoutMs,
            minBrokers: state.brokers,
            isAlive: () => isAlive(node, pids) && (controller === undefined || isAlive(controller, pids)),
            logTail: async () => [...(await brokerLogTail(node.layout, 12)), ...(controller && !isAlive(controller, pids) ? await brokerLogTail(controller.layout, 12) : [])],
          }),
        ),
    );
  } catch (error) {
    await stopStarted(started, pids, opts);
    throw error;
  }
}

function isAlive(node: ClusterNode, pids: Map<number, number>): boolean {
  const pid = pids.get(node.id);
  return pid !== undefined && isBrokerProcess(pid, node.layout);
}

/** A caller told "failed" must not be left with half a cluster holding the ports. */
async function stopStarted(started: ClusterNode[], pids: Map<number, number>, opts: ResolvedLocalKafkaOptions): Promise<void> {
  await stopNodes(started.filter((node) => pids.has(node.id)), opts.stopTimeoutMs);
}

/**
 * Stops the given nodes that run: brokers first and together (a clean shutdown hands their
 * leaderships over through the controller), the controller last.
 */
export async function stopNodes(nodes: ClusterNode[], timeoutMs: number): Promise<LocalKafkaStopped['nodes']> {
  const stopped: LocalKafkaStopped['nodes'] = [];
  const stopOne = async (node: ClusterNode): Promise<void> => {
    const pid = await runningPid(node);
    if (pid !== undefined) {
      const signal = await terminateBroker(pid, node.layout, timeoutMs);
      stopped.push({ ...describeNode(node, pid), signal });
    }
    await removePidFile(node.layout); // a stale one would only confuse the next reader
  };
  await Promise.all(nodes.filter((node) => node.role === 'broker').map(stopOne));
  for (const node of nodes) if (node.role === 'controller') await stopOne(node);
  return stopped.sort((a, b) => a.id - b.id);
}

export function describeNode(node: ClusterNode, pid: number | undefined): LocalKafkaNode {
  return pid === undefined ? { id: node.id, role: node.role, address: node.address } : { id: node.id, role: node.role, address: node.address, pid };
}
