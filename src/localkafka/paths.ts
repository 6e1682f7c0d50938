import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The newest Kafka 4.x whose jars resolve and that @platformatic/kafka 1.35 works with
 * (produce, consumer groups, idempotence, transactions + read_committed checked by hand).
 */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

/** The pom that lists the broker's jars; it ships with the checkout, next to the sources. */
export const POM_FILE = fileURLToPath(new URL('../../scripts/kafka/pom.xml', import.meta.url));

/** Where one broker keeps everything of its own; nothing of it is shared between kafka dirs. */
export interface KafkaDirLayout {
  root: string;
  configDir: string;
  serverProperties: string;
  brokerLog4j: string;
  toolsLog4j: string;
  /** KRaft metadata and topic data (log.dirs). */
  dataDir: string;
  /** Present once the storage is formatted; Kafka writes it, we only read it. */
  metaProperties: string;
  logsDir: string;
  serverLog: string;
  /** The JVM's own stdout/stderr: crashes before log4j starts (bad flags, missing class) land here. */
  stdoutLog: string;
  pidFile: string;
  /** What we started with (version, ports, heap), so `status` can say it without asking the broker. */
  stateFile: string;
}

export function kafkaDirLayout(kafkaDir: string, cwd: string): KafkaDirLayout {
  const root = isAbsolute(kafkaDir) ? kafkaDir : resolve(cwd, kafkaDir);
  const configDir = join(root, 'config');
  const dataDir = join(root, 'data');
  const logsDir = join(root, 'logs');
  return {
    root,
    configDir,
    serverProperties: join(configDir, 'server.properties'),
    brokerLog4j: join(configDir, 'log4j2.xml'),
    toolsLog4j: join(configDir, 'tools-log4j2.xml'),
    dataDir,
    metaProperties: join(dataDir, 'meta.properties'),
    logsDir,
    serverLog: join(logsDir, 'server.log'),
    stdoutLog: join(logsDir, 'broker-stdout.log'),
    pidFile: join(root, 'broker.pid'),
    stateFile: join(root, 'local-kafka.json'),
  };
}

/** The jars of one Kafka version, shared by every checkout and kafka dir of this user. */
export interface JarCacheLayout {
  versionDir: string;
  libsDir: string;
  /** Written only after a complete copy, so an interrupted download is redone, not trusted. */
  markerFile: string;
  /** `-cp` value: the JVM expands `dir/*` to every jar in it. */
  classpath: string;
}

export function jarCacheLayout(version: string, env: NodeJS.ProcessEnv): JarCacheLayout {
  const versionDir = join(cacheRoot(env), `kafka-${version}`);
  const libsDir = join(versionDir, 'libs');
  return { versionDir, libsDir, markerFile: join(versionDir, 'complete.json'), classpath: join(libsDir, '*') };
}

function cacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.FRAUD_KAFKA_CACHE) return resolve(env.FRAUD_KAFKA_CACHE);
  const xdg = env.XDG_CACHE_HOME;
  // XDG says relative values are invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.cache');
  return join(base, 'fraud-detector');
}
