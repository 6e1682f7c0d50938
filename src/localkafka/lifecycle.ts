import { join } from 'node:path';
import { FraudError } from '../errors.ts';
import { brokerLogTail, isBrokerProcess, spawnBroker, terminateBroker } from './broker.ts';
import { LOCAL_HOST, writeBrokerConfig } from './config.ts';
import { ensureJars, jarsPresent } from './jars.ts';
import { withLockFile } from './lock.ts';
import { resolveLocalKafkaOptions, type LocalKafkaOptions, type ResolvedLocalKafkaOptions } from './options.ts';
import { jarCacheLayout, kafkaDirLayout, POM_FILE, type KafkaDirLayout } from './paths.ts';
import { busyPorts } from './ports.ts';
import { waitForBroker } from './ready.ts';
import { findToolchain } from './requirements.ts';
import { readBrokerState, readPidFile, removePidFile, writeBrokerState, writePidFile, type BrokerState } from './state.ts';
import { formatStorageOnce } from './storage.ts';
import type { KafkaRuntime } from './tools.ts';

export interface LocalKafkaStarted {
  /** Bootstrap address for clients, e.g. '127.0.0.1:9092'. */
  brokers: string;
  pid: number;
  /** False when a broker of this kafka dir was already running and was returned as is. */
  startedNow: boolean;
  version: string;
  kafkaDir: string;
  /** Time spent fetching jars (0 when cached) and from spawn to the first answered metadata request. */
  timings: { jarsMs: number; startMs: number };
}

/**
 * Starts the broker of a kafka dir, or returns the one already running (idempotent, so
 * every test file may call it). Jars are fetched and storage formatted only the first time.
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafkaStarted> {
  const opts = resolveLocalKafkaOptions(options);
  const layout = kafkaDirLayout(opts.kafkaDir, opts.cwd);
  const lockWaitMs = opts.readyTimeoutMs + 10 * 60_000;
  return withLockFile(join(layout.root, 'start.lock'), { waitMs: lockWaitMs }, async () => {
    const running = await runningBroker(layout);
    if (running !== undefined) return adoptRunning(opts, layout, running);
    await removePidFile(layout);
    return startNew(opts, layout);
  });
}

interface RunningBroker {
  pid: number;
  state: BrokerState | undefined;
}

async function runningBroker(layout: KafkaDirLayout): Promise<RunningBroker | undefined> {
  const pid = await readPidFile(layout);
  if (pid === undefined || !isBrokerProcess(pid, layout)) return undefined;
  const state = await readBrokerState(layout);
  return { pid, state: state?.pid === pid ? state : undefined };
}

/** The running broker keeps its own port: restarting it to honour another --port would surprise its clients. */
async function adoptRunning(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout, running: RunningBroker): Promise<LocalKafkaStarted> {
  const brokers = `${LOCAL_HOST}:${running.state?.port ?? opts.port}`;
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
  };
}

async function startNew(opts: ResolvedLocalKafkaOptions, layout: KafkaDirLayout): Promise<LocalKafkaStarted> {
  await checkPortsFree(opts);
  const { runtime, jarsMs } = await prepareRuntime(opts);
  await writeBrokerConfig(layout, { port: opts.port, controllerPort: opts.controllerPort });
  const formatted = await formatStorageOnce(runtime, layout);
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
  return { brokers, pid, startedNow: true, version, kafkaDir: layout.root, timings };
}

async function checkPortsFree(opts: ResolvedLocalKafkaOptions): Promise<void> {
  const busy = await busyPorts(LOCAL_HOST, [opts.port, opts.controllerPort]);
  if (busy.length === 0) return;
  const what = busy.length === 1 ? `port ${busy.join('')} is` : `ports ${busy.join(' and ')} are`;
  throw new FraudError('FRAUD_KAFKA_SETUP', `${what} in use on ${LOCAL_HOST} by another program (a broker of another --kafka-dir?)`, {
    problems: ['free them, or choose other ports with --port N (the controller uses --controller-port, default port + 1)'],
  });
}

/** Java, then the jars (asking for Maven only when they still have to be fetched). */
export async function prepareRuntime(opts: ResolvedLocalKafkaOptions): Promise<{ runtime: KafkaRuntime; jarsMs: number }> {
  const cache = jarCacheLayout(opts.version, opts.env);
  const toolchain = await findToolchain({ env: opts.env, needMaven: !jarsPresent(cache) });
  const jars = await ensureJars({
    cache,
    version: opts.version,
    pomFile: POM_FILE,
    mvn: toolchain.mvn,
    env: opts.env,
    onProgress: opts.onProgress,
  });
  if (jars.fetchedNow) opts.onProgress(`fetched the Kafka ${opts.version} jars in ${(jars.elapsedMs / 1000).toFixed(1)} s`);
  return { runtime: { java: toolchain.java, classpath: cache.classpath, env: opts.env }, jarsMs: jars.elapsedMs };
}

export interface LocalKafkaStopped {
  wasRunning: boolean;
  pid?: number;
  /** How it ended: a clean SIGTERM shutdown, or SIGKILL after the stop timeout. */
  signal?: 'SIGTERM' | 'SIGKILL';
}

/** Stops the broker of a kafka dir; stopping one that is not running is not an error. */
export async function stopLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafkaStopped> {
  const opts = resolveLocalKafkaOptions(options);
  const layout = kafkaDirLayout(opts.kafkaDir, opts.cwd);
  const running = await runningBroker(layout);
  if (running === undefined) {
    await removePidFile(layout); // a stale one would only confuse the next reader
    return { wasRunning: false };
  }
  opts.onProgress(`stopping the Kafka broker (pid ${running.pid})`);
  const signal = await terminateBroker(running.pid, layout, opts.stopTimeoutMs);
  await removePidFile(layout);
  return { wasRunning: true, pid: running.pid, signal };
}
