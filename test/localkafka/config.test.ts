import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBrokerLog4j2, renderServerProperties, renderToolsLog4j2 } from '../../src/localkafka/config.ts';

function properties(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line): [string, string] => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    });
  return new Map(entries);
}

const rendered = properties(renderServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/tmp/k/data' }));

test('server.properties makes one node both broker and KRaft controller', () => {
  assert.equal(rendered.get('process.roles'), 'broker,controller');
  assert.equal(rendered.get('node.id'), '1');
  assert.equal(rendered.get('controller.listener.names'), 'CONTROLLER');
  assert.equal(rendered.get('controller.quorum.bootstrap.servers'), '127.0.0.1:19093');
});

test('server.properties listens on 127.0.0.1 only, clients and controller on their own ports', () => {
  assert.equal(rendered.get('listeners'), 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  assert.equal(rendered.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  const all = renderServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/tmp/k/data' });
  assert.doesNotMatch(all, /0\.0\.0\.0|localhost/);
});

test('server.properties lowers every replication setting to one node', () => {
  const expected: Record<string, string> = {
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'default.replication.factor': '1',
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'true',
    'num.partitions': '3',
  };
  for (const [key, value] of Object.entries(expected)) assert.equal(rendered.get(key), value, key);
  assert.ok(Number(rendered.get('log.retention.hours')) > 0, 'has a retention');
});

test('server.properties keeps data in the given dir, escaping backslashes for java.util.Properties', () => {
  assert.equal(rendered.get('log.dirs'), '/tmp/k/data');
  const windows = properties(renderServerProperties({ port: 1, controllerPort: 2, dataDir: 'C:\\k\\data' }));
  assert.equal(windows.get('log.dirs'), 'C:\\\\k\\\\data');
});

test('the broker logs to files under its logs dir, not to the terminal', () => {
  const xml = renderBrokerLog4j2('/tmp/k/logs');
  assert.match(xml, /fileName="\/tmp\/k\/logs\/server\.log"/);
  assert.doesNotMatch(xml, /<Console/);
  assert.match(renderBrokerLog4j2('/tmp/a&b'), /\/tmp\/a&amp;b\/server\.log/);
});

test('tools log warnings to stderr only, keeping stdout for their results', () => {
  const xml = renderToolsLog4j2();
  assert.match(xml, /target="SYSTEM_ERR"/);
  assert.match(xml, /<Root level="warn">/);
});
