import { mkdir, writeFile } from 'node:fs/promises';
import type { KafkaDirLayout } from './paths.ts';

/** Only loopback: a development broker without authentication must not be reachable from the network. */
export const LOCAL_HOST = '127.0.0.1';

export interface BrokerConfigInput {
  port: number;
  controllerPort: number;
  dataDir: string;
}

/**
 * A KRaft broker that is also its own controller (one node, no ZooKeeper in Kafka 4),
 * with every replication setting lowered to 1: the defaults of 3 would leave the
 * offsets and transaction topics uncreatable, and consumer groups and transactions broken.
 */
export function renderServerProperties(input: BrokerConfigInput): string {
  const client = `PLAINTEXT://${LOCAL_HOST}:${input.port}`;
  const controller = `CONTROLLER://${LOCAL_HOST}:${input.controllerPort}`;
  const settings: Array<[string, string | number | boolean]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    // A dynamic quorum (formatted with --standalone) finds its voters here, not in controller.quorum.voters.
    ['controller.quorum.bootstrap.servers', `${LOCAL_HOST}:${input.controllerPort}`],
    ['listeners', `${client},${controller}`],
    ['advertised.listeners', `${client},${controller}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ['log.dirs', escapePropertyValue(input.dataDir)],
    // Three partitions let a consumer group of up to three members share a topic.
    ['num.partitions', 3],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['auto.create.topics.enable', true],
    ['offsets.topic.replication.factor', 1],
    // Fewer internal partitions than the default 50: the first group join and first transaction load faster.
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 10],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    // No point waiting for more members to join: tests start one consumer and expect data at once.
    ['group.initial.rebalance.delay.ms', 0],
    // A development box: keep a day, and at most 1 GiB per partition, so benchmarks do not fill the disk.
    ['log.retention.hours', 24],
    ['log.retention.bytes', 1024 ** 3],
    ['log.segment.bytes', 128 * 1024 ** 2],
    ['log.retention.check.interval.ms', 60_000],
  ];
  const header = '# Written by `fraud kafka start` on every start; edits here are overwritten.\n';
  return header + settings.map(([key, value]) => `${key}=${String(value)}`).join('\n') + '\n';
}

/** java.util.Properties treats backslashes as escapes; paths on Windows would lose theirs. */
function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/**
 * The broker logs to rolling files under logs/, never to the terminal that started it;
 * the chatty request and state-change loggers are kept at WARN.
 */
export function renderBrokerLog4j2(logsDir: string): string {
  const dir = escapeXml(logsDir);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by \`fraud kafka start\`; edits here are overwritten. -->
<Configuration status="warn">
  <Appenders>
    <RollingFile name="server" fileName="${dir}/server.log" filePattern="${dir}/server.log.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <SizeBasedTriggeringPolicy size="50MB"/>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="server"/></Root>
    <Logger name="kafka.request.logger" level="warn"/>
    <Logger name="kafka.network.RequestChannel$" level="warn"/>
    <Logger name="state.change.logger" level="warn"/>
    <Logger name="org.apache.kafka.clients.NetworkClient" level="warn"/>
  </Loggers>
</Configuration>
`;
}

/** Tools (storage format, performance tests) print their results on stdout; their logging stays on stderr at WARN. */
export function renderToolsLog4j2(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <Console name="stderr" target="SYSTEM_ERR"><PatternLayout pattern="[%d] %p %m (%c)%n"/></Console>
  </Appenders>
  <Loggers>
    <Root level="warn"><AppenderRef ref="stderr"/></Root>
  </Loggers>
</Configuration>
`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Rewritten on every start, so a changed --port takes effect; KRaft data is untouched. */
export async function writeBrokerConfig(layout: KafkaDirLayout, ports: { port: number; controllerPort: number }): Promise<void> {
  await Promise.all([layout.configDir, layout.dataDir, layout.logsDir].map((dir) => mkdir(dir, { recursive: true })));
  await writeFile(layout.serverProperties, renderServerProperties({ ...ports, dataDir: layout.dataDir }));
  await writeFile(layout.brokerLog4j, renderBrokerLog4j2(layout.logsDir));
  await writeFile(layout.toolsLog4j, renderToolsLog4j2());
}
