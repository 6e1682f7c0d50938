/**
 * A local single-node Apache Kafka 4 broker for development and tests: jars fetched once
 * with Maven into a per-user cache, KRaft storage formatted once per kafka dir, the broker
 * run detached in the background. Everything takes its paths and environment as options.
 */
export { startLocalKafka, stopLocalKafka, type LocalKafkaStarted, type LocalKafkaStopped } from './lifecycle.ts';
export { localKafkaStatus, type LocalKafkaStatus } from './status.ts';
export { runLocalKafkaTool } from './run-tool.ts';
export { resolveLocalKafkaOptions, type LocalKafkaOptions, type LocalKafkaSettings } from './options.ts';
export { DEFAULT_KAFKA_VERSION, jarCacheLayout, kafkaDirLayout, type JarCacheLayout, type KafkaDirLayout } from './paths.ts';
export { renderServerProperties, renderBrokerLog4j2 } from './config.ts';
export { findToolchain, type Toolchain } from './requirements.ts';
export { probeBroker } from './ready.ts';
export { runKafkaTool, type KafkaRuntime, type KafkaToolRun } from './tools.ts';
export type { RunResult } from './exec.ts';
