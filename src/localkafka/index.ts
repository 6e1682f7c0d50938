/**
 * A local Apache Kafka 4 for development and tests: one node (broker and KRaft controller
 * at once) or a cluster (one controller and several brokers), with jars fetched once with
 * Maven into a per-user cache, KRaft storage formatted once per node, and every node run
 * detached in the background. Everything takes its paths and environment as options.
 */
export { startLocalKafka, stopLocalKafka, type LocalKafkaNode, type LocalKafkaStarted, type LocalKafkaStopped, type StopRequest } from './lifecycle.ts';
export { localKafkaStatus, type LocalKafkaNodeStatus, type LocalKafkaStatus } from './status.ts';
export { runLocalKafkaTool } from './run-tool.ts';
export { resolveLocalKafkaOptions, type LocalKafkaOptions, type LocalKafkaSettings, type SecureListener } from './options.ts';
export { DEFAULT_KAFKA_VERSION, jarCacheLayout, kafkaDirLayout, type JarCacheLayout, type KafkaDirLayout } from './paths.ts';
export { renderServerProperties, renderBrokerLog4j2 } from './config.ts';
export { renderNodeProperties, internalReplication } from './node-config.ts';
export { findToolchain, type Toolchain } from './requirements.ts';
export { probeBroker } from './ready.ts';
export { runKafkaTool, type KafkaRuntime, type KafkaToolRun } from './tools.ts';
export type { RunResult } from './exec.ts';
