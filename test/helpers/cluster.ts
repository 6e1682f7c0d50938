import { Admin, kGetApi, type API, type metadataV12 } from '@platformatic/kafka';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFraudError } from '../../src/errors.ts';
import { localKafkaStatus, startLocalKafka, stopLocalKafka, type LocalKafkaNodeStatus } from '../../src/localkafka/index.ts';

/**
 * The tests' own 3-broker cluster: a KRaft controller and three brokers started by
 * `fraud kafka start --brokers 3`'s code in a temporary folder, on ports of their own
 * (FRAUD_TEST_CLUSTER_PORT, default 19300: brokers 19300-19302, controller 19303), so the
 * single test broker and a developer's Kafka are left alone.
 */
export const CLUSTER_PORT = Number(process.env.FRAUD_TEST_CLUSTER_PORT ?? 19300);

/** Each broker's heap: the machine is shared, and a test cluster holds little data. */
const BROKER_HEAP = '512m';

export interface ClusterSettings {
  kafkaDir: string;
  port: number;
  brokers: number;
  heap: string;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
}

export interface TestCluster {
  brokers: string;
  settings: ClusterSettings;
  stop(): Promise<void>;
}

/** Why a cluster test cannot run here, or undefined. In CI nothing skips: a failure to start fails the test. */
export function clusterSkipReason(): string | undefined {
  if (process.env.CI === 'true') return undefined;
  if (process.env.FRAUD_TEST_NO_KAFKA === '1') return 'FRAUD_TEST_NO_KAFKA=1 was set';
  return undefined;
}

/**
 * Starts the cluster. Without Java (outside CI) the caller skips with the reason returned;
 * in CI, or for any other failure, this throws.
 */
export async function startTestCluster(onProgress: (message: string) => void = () => undefined): Promise<TestCluster | string> {
  const settings: ClusterSettings = {
    kafkaDir: await mkdtemp(join(tmpdir(), 'fraud-cluster-test-')),
    port: CLUSTER_PORT,
    brokers: 3,
    heap: BROKER_HEAP,
    readyTimeoutMs: 180_000,
    stopTimeoutMs: 30_000,
  };
  const remove = (): Promise<void> => rm(settings.kafkaDir, { recursive: true, force: true });
  try {
    const started = await startLocalKafka({ ...settings, onProgress });
    return {
      brokers: started.brokers,
      settings,
      stop: async () => {
        await stopLocalKafka(settings);
        // FRAUD_TEST_KEEP_CLUSTER=1 keeps the nodes' logs and data for a post-mortem.
        if (process.env.FRAUD_TEST_KEEP_CLUSTER === '1') onProgress(`kept the cluster's folder ${settings.kafkaDir}`);
        else await remove();
      },
    };
  } catch (error) {
    await stopLocalKafka(settings).catch(() => undefined);
    await remove();
    // Only a missing toolchain skips, and only outside CI; anything else is a failure.
    if (process.env.CI !== 'true' && isFraudError(error, 'FRAUD_KAFKA_SETUP') && /needs Java/.test(error.message)) return `${error.message}: ${error.problems.join('; ')}`;
    throw error;
  }
}

export async function clusterNodeStatus(cluster: TestCluster): Promise<LocalKafkaNodeStatus[]> {
  return (await localKafkaStatus(cluster.settings)).nodes;
}

async function brokerPid(cluster: TestCluster, id: number): Promise<number> {
  const node = (await clusterNodeStatus(cluster)).find((candidate) => candidate.id === id);
  if (node?.pid === undefined) throw new Error(`broker ${id} is not running`);
  return node.pid;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** What a bounce took, in ms from its start. */
export interface BounceTimes {
  /** Until the process was gone. */
  downMs: number;
  /** Until the controller had fenced it (leaders moved): only for a hard kill, which nobody announces. */
  fencedMs?: number;
  /** Until it answered again, and until no partition was under-replicated. */
  upMs: number;
  replicatedMs: number;
}

/**
 * Kafka's hard bounce (kafkatest's stop_node(clean_shutdown=False), then start_node): SIGKILL,
 * wait until the controller has fenced the broker (its session, 9 s, runs out; only then
 * do the leaders move), start it again and wait until nothing is under-replicated.
 */
export async function hardBounce(cluster: TestCluster, id: number, topics: string[], onFault: () => void): Promise<BounceTimes> {
  const began = Date.now();
  const pid = await brokerPid(cluster, id);
  process.kill(pid, 'SIGKILL');
  onFault();
  await waitFor(() => Promise.resolve(processGone(pid)), 30_000, `broker ${id} (pid ${pid}) to die of SIGKILL`);
  const downMs = Date.now() - began;
  await waitFor(async () => !(await liveBrokers(cluster, id)).includes(id), 60_000, `the controller to fence broker ${id}`);
  const fencedMs = Date.now() - began;
  await startLocalKafka(cluster.settings);
  const upMs = Date.now() - began;
  await awaitNoUnderReplicated(cluster, topics);
  return { downMs, fencedMs, upMs, replicatedMs: Date.now() - began };
}

/** Kafka's clean bounce (restart_node(clean_shutdown=True)): SIGTERM, a controlled shutdown, then start again. */
export async function cleanBounce(cluster: TestCluster, id: number, topics: string[], onFault: () => void): Promise<BounceTimes> {
  const began = Date.now();
  onFault();
  const stopped = await stopLocalKafka({ ...cluster.settings, node: id });
  if (stopped.signal !== 'SIGTERM') throw new Error(`broker ${id} did not shut down cleanly (${String(stopped.signal)})`);
  const downMs = Date.now() - began;
  await startLocalKafka(cluster.settings);
  const upMs = Date.now() - began;
  await awaitNoUnderReplicated(cluster, topics);
  return { downMs, upMs, replicatedMs: Date.now() - began };
}

function adminOf(cluster: TestCluster, exclude?: number): Admin {
  const brokers = cluster.brokers.split(',').filter((_, i) => i + 1 !== exclude);
  return new Admin({ clientId: 'fraud-test-cluster', bootstrapBrokers: brokers, retries: 0, connectTimeout: 2_000, requestTimeout: 5_000, timeout: 5_000 });
}

/** Brokers the controller lets in, as a broker other than `exclude` sees them. */
async function liveBrokers(cluster: TestCluster, exclude: number): Promise<number[]> {
  const admin = adminOf(cluster, exclude);
  try {
    return [...(await admin.metadata({ topics: [], forceUpdate: true })).brokers.keys()];
  } catch {
    return [exclude]; // no answer: not proven fenced yet
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Kafka's await_no_under_replicated_partitions, for these topics and the internal ones. */
export async function awaitNoUnderReplicated(cluster: TestCluster, topics: string[], timeoutMs = 180_000): Promise<void> {
  const all = [...topics, '__consumer_offsets', '__transaction_state'];
  let lagging: string[] = [];
  await waitFor(
    async () => {
      lagging = await underReplicated(cluster, all);
      return lagging.length === 0;
    },
    timeoutMs,
    () => `no under-replicated partitions (still: ${lagging.slice(0, 8).join(', ')})`,
  );
}

/**
 * Partitions whose ISR is short of their replicas, or that have no leader. Asked with a
 * raw Metadata request: the client's metadata() leaves internal topics out, and the
 * transaction and offsets topics are the ones a next bounce must find replicated.
 */
async function underReplicated(cluster: TestCluster, topics: string[]): Promise<string[]> {
  const admin = adminOf(cluster);
  try {
    const existing = new Set(await admin.listTopics({ includeInternals: true }));
    const wanted = topics.filter((topic) => existing.has(topic));
    const response = await rawMetadata(admin, wanted);
    const lagging: string[] = [];
    for (const topic of response.topics) {
      if (topic.errorCode !== 0) continue; // an internal topic not created yet
      for (const partition of topic.partitions) {
        if (partition.isrNodes.length < partition.replicaNodes.length || partition.leaderId < 0) lagging.push(`${String(topic.name)}[${partition.partitionIndex}]`);
      }
    }
    return lagging;
  } catch (error) {
    return [`(no answer: ${error instanceof Error ? error.message : String(error)})`];
  } finally {
    await admin.close().catch(() => undefined);
  }
}

async function rawMetadata(admin: Admin, topics: string[]): Promise<metadataV12.MetadataResponse> {
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  const broker = [...metadata.brokers.values()][0];
  if (!broker) throw new Error('no broker in the metadata');
  const connection = await admin.connections.get(broker);
  const api = await new Promise<API<[string[] | null, boolean, boolean], metadataV12.MetadataResponse>>((resolve, reject) => {
    admin[kGetApi]<[string[] | null, boolean, boolean], metadataV12.MetadataResponse>('Metadata', (error, found) => (error || !found ? reject(error ?? new Error('no Metadata API')) : resolve(found)));
  });
  return api.async(connection, topics, false, false);
}

/** Polls until the condition holds; a bounded wait that fails with what it waited for. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string | (() => string), intervalMs = 250): Promise<number> {
  const began = Date.now();
  while (Date.now() - began < timeoutMs) {
    if (await condition()) return Date.now() - began;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === 'string' ? what : what()}`);
}
