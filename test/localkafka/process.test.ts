import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { isFraudError } from '../../src/errors.ts';
import { brokerJavaArgs, isBrokerProcess } from '../../src/localkafka/broker.ts';
import { withLockFile } from '../../src/localkafka/lock.ts';
import { kafkaDirLayout } from '../../src/localkafka/paths.ts';
import { newClusterId } from '../../src/localkafka/storage.ts';
import { kafkaToolJavaArgs, type KafkaRuntime } from '../../src/localkafka/tools.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fraud-proc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const runtime: KafkaRuntime = { java: '/usr/bin/java', classpath: '/cache/libs/*', env: {} };
const layout = kafkaDirLayout('.kafka', '/work');

test('the broker JVM gets a fixed heap, G1 and its own log4j config', () => {
  const args = brokerJavaArgs(runtime, layout, '768m');
  assert.ok(args.includes('-Xmx768m') && args.includes('-Xms768m'));
  assert.ok(args.includes('-XX:+UseG1GC'));
  assert.ok(args.includes('-Dlog4j2.configurationFile=/work/.kafka/config/log4j2.xml'));
  assert.deepEqual(args.slice(-4), ['-cp', '/cache/libs/*', 'kafka.Kafka', '/work/.kafka/config/server.properties']);
});

test('tools run their class with the same classpath; a non-class is refused', () => {
  const args = kafkaToolJavaArgs(runtime, { mainClass: 'org.apache.kafka.tools.ProducerPerformance', args: ['--topic', 'perf'] });
  assert.deepEqual(args.slice(-5), ['-cp', '/cache/libs/*', 'org.apache.kafka.tools.ProducerPerformance', '--topic', 'perf']);
  assert.throws(() => kafkaToolJavaArgs(runtime, { mainClass: '-jar', args: [] }), (error) => isFraudError(error, 'FRAUD_USAGE'));
});

test('a live process that is not this dir’s broker is not taken for it', () => {
  assert.equal(isBrokerProcess(process.pid, layout), false);
  assert.equal(isBrokerProcess(999_999_999, layout), false);
});

test('cluster ids look like Kafka’s: 22 URL-safe base64 characters, never a leading dash', () => {
  for (let i = 0; i < 200; i++) {
    const id = newClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
});

test('the start lock runs holders one after the other', async (t) => {
  const lockFile = join(await tempDir(t), 'start.lock');
  const events: string[] = [];
  const hold = async (name: string): Promise<void> => {
    events.push(`${name} in`);
    await sleep(50);
    events.push(`${name} out`);
  };
  await Promise.all([
    withLockFile(lockFile, { waitMs: 5_000, pollMs: 10 }, () => hold('a')),
    withLockFile(lockFile, { waitMs: 5_000, pollMs: 10 }, () => hold('b')),
  ]);
  assert.deepEqual(events.map((event) => event.split(' ')[1]), ['in', 'out', 'in', 'out']);
});

test('a lock left by a dead process is taken over', async (t) => {
  const lockFile = join(await tempDir(t), 'start.lock');
  await writeFile(lockFile, '999999999\n');
  const result = await withLockFile(lockFile, { waitMs: 1_000, pollMs: 10 }, () => Promise.resolve('ran'));
  assert.equal(result, 'ran');
});
