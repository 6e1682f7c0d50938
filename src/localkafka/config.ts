import { mkdir, writeFile } from 'node:fs/promises';
import { renderNodeProperties } from './node-config.ts';
import type { SecureListener } from './options.ts';
import type { KafkaDirLayout } from './paths.ts';

export { LOCAL_HOST } from './node-config.ts';

export interface BrokerConfigInput {
  port: number;
  controllerPort: number;
  dataDir: string;
  secure?: SecureListener;
}

/**
 * A KRaft broker that is also its own controller (one node, no ZooKeeper in Kafka 4),
 * with every replication setting lowered to 1 (see node-config.ts).
 */
export function renderServerProperties(input: BrokerConfigInput): string {
  return renderNodeProperties({
    role: 'broker,controller',
    nodeId: 1,
    port: input.port,
    controllerPort: input.controllerPort,
    quorum: { kind: 'standalone' },
    dataDir: input.dataDir,
    brokers: 1,
    secure: input.secure,
  });
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
export async function writeBrokerConfig(layout: KafkaDirLayout, input: { port: number; controllerPort: number; secure?: SecureListener }): Promise<void> {
  await writeNodeConfig(layout, renderServerProperties({ ...input, dataDir: layout.dataDir }));
}

/** One node's server.properties and log4j configs, and the folders they name. */
export async function writeNodeConfig(layout: KafkaDirLayout, serverProperties: string): Promise<void> {
  await Promise.all([layout.configDir, layout.dataDir, layout.logsDir].map((dir) => mkdir(dir, { recursive: true })));
  await writeFile(layout.serverProperties, serverProperties);
  await writeFile(layout.brokerLog4j, renderBrokerLog4j2(layout.logsDir));
  await writeFile(layout.toolsLog4j, renderToolsLog4j2());
}
