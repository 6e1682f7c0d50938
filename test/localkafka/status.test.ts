import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { kafkaCommand } from '../../src/cli/kafka.ts';
import { localKafkaStatus, stopLocalKafka } from '../../src/localkafka/index.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fraud-status-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const env = { HOME: '/nonexistent-home' };

test('status of an empty kafka dir says stopped and creates nothing', async (t) => {
  const root = await tempDir(t);
  const kafkaDir = join(root, 'kafka');
  const status = await localKafkaStatus({ kafkaDir, port: 19092, env });
  assert.equal(status.running, false);
  assert.equal(status.formatted, false);
  assert.equal(status.pid, undefined);
  assert.equal(status.brokers, '127.0.0.1:19092');
  assert.equal(status.kafkaDir, kafkaDir);
  assert.equal(existsSync(kafkaDir), false);
});

test('a pid file naming a process that is not this broker reads as stopped', async (t) => {
  const kafkaDir = await tempDir(t);
  // Our own pid: alive, but its command line is node's, not kafka.Kafka with this dir's config.
  await writeFile(join(kafkaDir, 'broker.pid'), `${process.pid}\n`);
  assert.equal((await localKafkaStatus({ kafkaDir, env })).running, false);
  const stopped = await stopLocalKafka({ kafkaDir, env });
  assert.equal(stopped.wasRunning, false, 'stop must not signal a stranger');
  assert.equal(existsSync(join(kafkaDir, 'broker.pid')), false, 'the stale pid file is removed');
});

test('status reports the port and version the last run recorded', async (t) => {
  const kafkaDir = await tempDir(t);
  const state = { version: '4.3.0', port: 29092, controllerPort: 29093, heap: '512m', pid: 999_999_999, startedAt: '2026-01-01T00:00:00.000Z' };
  await writeFile(join(kafkaDir, 'local-kafka.json'), JSON.stringify(state));
  await mkdir(join(kafkaDir, 'data'));
  await writeFile(join(kafkaDir, 'data', 'meta.properties'), 'cluster.id=abcDEF123\nnode.id=1\n');
  const status = await localKafkaStatus({ kafkaDir, env });
  assert.equal(status.running, false);
  assert.equal(status.brokers, '127.0.0.1:29092');
  assert.equal(status.version, '4.3.0');
  assert.equal(status.clusterId, 'abcDEF123');
  assert.equal(status.formatted, true);
});

test('`fraud kafka status` prints stopped and sets exit code 1', async (t) => {
  const kafkaDir = await tempDir(t);
  let out = '';
  const command = kafkaCommand({ out: (text) => (out += text), err: () => undefined });
  const previous = process.exitCode;
  t.after(() => {
    process.exitCode = previous;
  });
  await command.parseAsync(['status', '--kafka-dir', kafkaDir, '--port', '19092'], { from: 'user' });
  assert.equal(process.exitCode, 1);
  process.exitCode = previous;
  assert.match(out, /^stopped/);
  assert.match(out, new RegExp(`kafka dir:\\s+${kafkaDir}`));
  assert.deepEqual(await readdir(kafkaDir), []);
});

test('`fraud kafka stop` with nothing running says so and succeeds', async (t) => {
  const kafkaDir = await tempDir(t);
  let out = '';
  const command = kafkaCommand({ out: (text) => (out += text), err: () => undefined });
  await command.parseAsync(['stop', '--kafka-dir', kafkaDir], { from: 'user' });
  assert.equal(out, 'kafka: not running\n');
});
