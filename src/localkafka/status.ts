import { isBrokerProcess } from './broker.ts';
import { LOCAL_HOST } from './config.ts';
import { jarCacheLayout, kafkaDirLayout } from './paths.ts';
import { resolveLocalKafkaOptions, type LocalKafkaOptions } from './options.ts';
import { probeBroker } from './ready.ts';
import { readBrokerState, readPidFile } from './state.ts';
import { isFormatted, readClusterId } from './storage.ts';

export interface LocalKafkaStatus {
  running: boolean;
  /** Only when running: whether it answered a metadata request just now (false while starting or stuck). */
  answering?: boolean;
  pid?: number;
  /** The running broker's (or, when stopped, the last run's or the requested) address and version. */
  brokers: string;
  port: number;
  controllerPort: number;
  version: string;
  heap: string;
  startedAt?: string;
  formatted: boolean;
  clusterId?: string;
  kafkaDir: string;
  dataDir: string;
  logFile: string;
  jarsDir: string;
}

/** Reads the kafka dir and asks the broker once; never starts, stops or creates anything. */
export async function localKafkaStatus(options: LocalKafkaOptions = {}): Promise<LocalKafkaStatus> {
  const opts = resolveLocalKafkaOptions(options);
  const layout = kafkaDirLayout(opts.kafkaDir, opts.cwd);
  const pid = await readPidFile(layout);
  const running = pid !== undefined && isBrokerProcess(pid, layout);
  const state = await readBrokerState(layout);
  const port = state?.port ?? opts.port;
  const version = state?.version ?? opts.version;
  const brokers = `${LOCAL_HOST}:${port}`;
  const status: LocalKafkaStatus = {
    running,
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
  };
  if (!running) return status;
  return { ...status, pid, startedAt: state?.startedAt, answering: (await probeBroker(brokers)).ok };
}
