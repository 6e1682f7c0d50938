import { FraudError } from '../errors.ts';
import { brokerLogTail, isBrokerProcess, spawnBroker, terminateBroker } from './broker.ts';
import { LOCAL_HOST, writeBrokerConfig } from './config.ts';
import type { ResolvedLocalKafkaOptions } from './options.ts';
import type { KafkaDirLayout } from './paths.ts';
import { busyPorts } from './ports.ts';
import { waitForBroker } from './ready.ts';
import type { LocalKafkaNode, LocalKafkaStarted, LocalKafkaStopped } from './results.ts';
import { prepareRuntime } from './runtime.ts';
import { readBrokerState, readPidFile, removePidFile, writeBrokerState, writePidFile, type BrokerState } from './state.ts';
import { formatStorageOnce } from './storage.ts';

/** The node id of a single node, broker and controller at once. */
const SINGLE_NODE_ID = 1;

interface RunningBroker {
  pid: number;
  state: BrokerState | undefined;
}

/** Starts the single broker of a kafka dir, or returns the one already running. Called with the start lock held. */
export async function startSingle(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout): Promise<LocalKafkaStarted> {
  const running = await runningBroker(layout);
  if (running !== undefined) return adoptRunning(opts, layout, running);
  await removePidFile(layout);
  return startNew(opts, layout);
}

async function runningBroker(layout: KafkaDirLayout): Promise<RunningBroker | undefined> {
  const pid = await readPidFile(layout);
  if (pid === undefined || !isBrokerProcess(pid, layout)) return undefined;
  const state = await readBrokerState(layout);
  return { pid, state: state?.pid === pid ? state : undefined };
}

function singleNode(port: number, pid: number): LocalKafkaNode {
  return { id: SINGLE_NODE_ID, role: 'broker,controller', address: `${LOCAL_HOST}:${port}`, pid };
}

/** The running broker keeps its own port: restarting it to honour another --port would surprise its clients. */
async function adoptRunning(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout, running: RunningBroker): Promise<LocalKafkaStarted> {
  const port = running.state?.port ?? opts.port;
  const brokers = `${LOCAL_HOST}:${port}`;
  const started = Date.now();
  await waitForBroker({
    address: brokers,
    timeoutMs: opts.readyTimeoutMs,
    isAlive: () => isBrokerProcess(running.pid, layout),
    logTail: () => brokerLogTail(layout),
  });
  return {
    brokers,
    pid: running.pid,
    startedNow: false,
    version: running.state?.version ?? opts.version,
    kafkaDir: layout.root,
    timings: { jarsMs: 0, startMs: Date.now() - started },
    nodes: [singleNode(port, running.pid)],
    startedNodes: [],
  };
}

async function startNew(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout): Promise<LocalKafkaStarted> {
  await checkPortsFree(opts);
  const { runtime, jarsMs } = await prepareRuntime(opts);
  await writeBrokerConfig(layout, { port: opts.port, controllerPort: opts.controllerPort, secure: opts.secure });
  const formatted = await formatStorageOnce(runtime, layout, { standalone: true, scramUsers: opts.secure?.scramUsers });
  if (formatted.formattedNow) opts.onProgress(`formatted the KRaft storage in ${layout.dataDir} (cluster ${formatted.clusterId})`);
  opts.onProgress(`starting Kafka ${opts.version} on ${LOCAL_HOST}:${opts.port} (heap ${opts.heap}, logs in ${layout.logsDir})`);
  const started = Date.now();
  const pid = await spawnBroker(runtime, layout, opts.heap);
  await writePidFile(layout, pid);
  const { version, port, controllerPort, heap } = opts;
  await writeBrokerState(layout, { version, port, controllerPort, heap, pid, startedAt: new Date().toISOString() });
  const brokers = `${LOCAL_HOST}:${port}`;
  try {
    const isAlive = (): boolean => isBrokerProcess(pid, layout);
    await waitForBroker({ address: brokers, timeoutMs: opts.readyTimeoutMs, isAlive, logTail: () => brokerLogTail(layout) });
  } catch (error) {
    // A caller told "failed" must not be left with a half-started broker holding the port.
    if (isBrokerProcess(pid, layout)) await terminateBroker(pid, layout, opts.stopTimeoutMs);
    await removePidFile(layout);
    throw error;
  }
  const timings = { jarsMs, startMs: Date.now() - started };
  return { brokers, pid, startedNow: true, version, kafkaDir: layout.root, timings, nodes: [singleNode(port, pid)], startedNodes: [SINGLE_NODE_ID] };
}

async function checkPortsFree(opts: ResolvedLocalKafkaOptions): Promise<void> {
  const busy = await busyPorts(LOCAL_HOST, [opts.port, opts.controllerPort, ...(opts.secure ? [opts.secure.port] : [])]);
  if (busy.length === 0) return;
  const what = busy.length === 1 ? `port ${busy.join('')} is` : `ports ${busy.join(' and ')} are`;
  throw new FraudError('FRAUD_KAFKA_SETUP', `${what} in use on ${LOCAL_HOST} by another program (a broker of another --kafka-dir?)`, {
    problems: ['free them, or choose other ports with --port N (the controller uses --controller-port, default port + 1)'],
  });
}

/** Stops the single broker of a kafka dir; stopping one that is not running is not an error. */
export async function stopSingle(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout): Promise<LocalKafkaStopped> {
  const running = await runningBroker(layout);
  if (running === undefined) {
    await removePidFile(layout); // a stale one would only confuse the next reader
    return { wasRunning: false, nodes: [] };
  }
  opts.onProgress(`stopping the Kafka broker (pid ${running.pid})`);
  const signal = await terminateBroker(running.pid, layout, opts.stopTimeoutMs);
  await removePidFile(layout);
  const node = { ...singleNode(running.state?.port ?? opts.port, running.pid), signal };
  return { wasRunning: true, pid: running.pid, signal, nodes: [node] };
}
