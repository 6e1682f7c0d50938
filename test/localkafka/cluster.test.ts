import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { kafkaCommand } from '../../src/cli/kafka.ts';
import { isFraudError } from '../../src/errors.ts';
import { clusterNodes, CLUSTER_FILE, type ClusterState } from '../../src/localkafka/cluster-layout.ts';
import { brokersFor } from '../../src/localkafka/lifecycle.ts';
import { renderNodeProperties } from '../../src/localkafka/node-config.ts';
import { resolveLocalKafkaOptions } from '../../src/localkafka/options.ts';
import { localKafkaStatus } from '../../src/localkafka/index.ts';

function properties(text: string): Map<string, string> {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return new Map(lines.map((line): [string, string] => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fraud-cluster-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const quorum = { kind: 'static', controllerId: 0 } as const;

test('a cluster broker replicates internal topics 3 times with min ISR 2 and finds the controller by static voters', () => {
  const broker = properties(renderNodeProperties({ role: 'broker', nodeId: 2, port: 19301, controllerPort: 19303, quorum, dataDir: '/k/broker-2/data', brokers: 3 }));
  assert.equal(broker.get('process.roles'), 'broker');
  assert.equal(broker.get('node.id'), '2');
  assert.equal(broker.get('controller.quorum.voters'), '0@127.0.0.1:19303');
  assert.equal(broker.get('listeners'), 'PLAINTEXT://127.0.0.1:19301');
  assert.equal(broker.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:19301');
  for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'share.coordinator.state.topic.replication.factor']) {
    assert.equal(broker.get(key), '3', key);
  }
  for (const key of ['transaction.state.log.min.isr', 'min.insync.replicas', 'share.coordinator.state.topic.min.isr']) assert.equal(broker.get(key), '2', key);
  assert.equal(broker.has('default.replication.factor'), false, 'topic defaults are the controller’s');
});

test('the cluster controller listens on its port only and sets the defaults of new topics', () => {
  const controller = properties(renderNodeProperties({ role: 'controller', nodeId: 0, controllerPort: 19303, quorum, dataDir: '/k/controller/data', brokers: 3 }));
  assert.equal(controller.get('process.roles'), 'controller');
  assert.equal(controller.get('listeners'), 'CONTROLLER://127.0.0.1:19303');
  assert.equal(controller.has('advertised.listeners'), false);
  assert.equal(controller.get('default.replication.factor'), '3');
  assert.equal(controller.get('min.insync.replicas'), '2');
});

test('two brokers replicate twice with min ISR 1: a cluster of two survives one broker down', () => {
  const broker = properties(renderNodeProperties({ role: 'broker', nodeId: 1, port: 1, controllerPort: 3, quorum, dataDir: '/d', brokers: 2 }));
  assert.equal(broker.get('offsets.topic.replication.factor'), '2');
  assert.equal(broker.get('transaction.state.log.min.isr'), '1');
});

test('a secure listener adds SASL_SSL with SCRAM-SHA-512 and the key store beside the plaintext listener', () => {
  const secure = { port: 19310, keystoreFile: '/k/broker.p12', keystorePassword: 'changeit', scramUsers: [] };
  const single = properties(renderNodeProperties({ role: 'broker,controller', nodeId: 1, port: 19308, controllerPort: 19309, quorum: { kind: 'standalone' }, dataDir: '/d', brokers: 1, secure }));
  assert.equal(single.get('listeners'), 'PLAINTEXT://127.0.0.1:19308,SASL_SSL://127.0.0.1:19310,CONTROLLER://127.0.0.1:19309');
  assert.equal(single.get('listener.security.protocol.map'), 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL');
  assert.equal(single.get('sasl.enabled.mechanisms'), 'SCRAM-SHA-512');
  assert.equal(single.get('listener.name.sasl_ssl.ssl.keystore.location'), '/k/broker.p12');
  assert.match(single.get('listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config') ?? '', /ScramLoginModule required;$/);
});

test('cluster nodes: the controller, then brokers on port, port + 1, …, each in its own folder', () => {
  const nodes = clusterNodes('/k', { brokers: 3, port: 19300, controllerPort: 19303 });
  assert.deepEqual(
    nodes.map((node) => [node.id, node.role, node.address, node.layout.root]),
    [
      [0, 'controller', '127.0.0.1:19303', '/k/controller'],
      [1, 'broker', '127.0.0.1:19300', '/k/broker-1'],
      [2, 'broker', '127.0.0.1:19301', '/k/broker-2'],
      [3, 'broker', '127.0.0.1:19302', '/k/broker-3'],
    ],
  );
});

test('--brokers 3 puts the controller after the brokers’ ports unless one is given', () => {
  assert.equal(resolveLocalKafkaOptions({ port: 19300, brokers: 3 }).controllerPort, 19303);
  assert.equal(resolveLocalKafkaOptions({ port: 19300 }).controllerPort, 19301);
  assert.throws(
    () => resolveLocalKafkaOptions({ port: 19300, brokers: 3, controllerPort: 19302 }),
    (error) => isFraudError(error, 'FRAUD_USAGE') && /19300, 19301, 19302/.test(error.problems.join('\n')),
  );
  assert.throws(() => resolveLocalKafkaOptions({ brokers: 10 }), (error) => isFraudError(error, 'FRAUD_USAGE'));
});

test('a kafka dir keeps its mode: a single node is not turned into a cluster, nor a cluster resized', () => {
  const cluster = { kind: 'cluster', state: { brokers: 3 } as ClusterState } as const;
  assert.equal(brokersFor({ brokers: undefined }, cluster, '/k'), 3);
  assert.equal(brokersFor({ brokers: 3 }, cluster, '/k'), 3);
  assert.equal(brokersFor({ brokers: undefined }, { kind: 'empty' }, '/k'), 1);
  assert.equal(brokersFor({ brokers: 3 }, { kind: 'empty' }, '/k'), 3);
  assert.throws(() => brokersFor({ brokers: 1 }, cluster, '/k'), (error) => isFraudError(error, 'FRAUD_USAGE') && /--brokers 3/.test(error.problems.join('')));
  assert.throws(() => brokersFor({ brokers: 3 }, { kind: 'single' }, '/k'), (error) => isFraudError(error, 'FRAUD_USAGE'));
});

test('`fraud kafka status --json` of a stopped cluster lists every node with id, role and address, and exits 1', async (t) => {
  const kafkaDir = await tempDir(t);
  const state: ClusterState = { version: '4.4.0', brokers: 3, port: 29300, controllerPort: 29303, heap: '512m', clusterId: 'abcDEF123', createdAt: '2026-01-01T00:00:00.000Z' };
  await writeFile(join(kafkaDir, CLUSTER_FILE), JSON.stringify(state));
  const status = await localKafkaStatus({ kafkaDir, env: { HOME: '/nonexistent-home' } });
  assert.equal(status.mode, 'cluster');
  assert.equal(status.brokers, '127.0.0.1:29300,127.0.0.1:29301,127.0.0.1:29302');
  let out = '';
  const command = kafkaCommand({ out: (text) => (out += text), err: () => undefined });
  const previous = process.exitCode;
  t.after(() => {
    process.exitCode = previous;
  });
  await command.parseAsync(['status', '--kafka-dir', kafkaDir, '--json'], { from: 'user' });
  assert.equal(process.exitCode, 1);
  process.exitCode = previous;
  const printed = JSON.parse(out) as { nodes: Array<{ id: number; role: string; address: string; pid?: number; running: boolean }> };
  assert.deepEqual(
    printed.nodes.map((node) => [node.id, node.role, node.address, node.pid, node.running]),
    [
      [0, 'controller', '127.0.0.1:29303', undefined, false],
      [1, 'broker', '127.0.0.1:29300', undefined, false],
      [2, 'broker', '127.0.0.1:29301', undefined, false],
      [3, 'broker', '127.0.0.1:29302', undefined, false],
    ],
  );
});
