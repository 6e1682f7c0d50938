import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaCommand, kafkaSettingsFromFlags, type KafkaFlags } from '../../src/cli/kafka.ts';
import { isFraudError } from '../../src/errors.ts';
import { heapBytes, resolveLocalKafkaOptions } from '../../src/localkafka/options.ts';

const goodFlags: KafkaFlags = { port: '9092', kafkaDir: '.kafka', heap: '1g' };

test('defaults: port 9092, controller on port + 1, 1g heap, ./.kafka', () => {
  const resolved = resolveLocalKafkaOptions({ cwd: '/work', env: {} });
  assert.equal(resolved.port, 9092);
  assert.equal(resolved.controllerPort, 9093);
  assert.equal(resolved.heap, '1g');
  assert.equal(resolved.kafkaDir, '.kafka');
  assert.equal(resolveLocalKafkaOptions({ port: 20000 }).controllerPort, 20001);
});

test('an out of range port is FRAUD_USAGE naming the option', () => {
  assert.throws(
    () => resolveLocalKafkaOptions({ port: 70000 }),
    (error) => isFraudError(error, 'FRAUD_USAGE') && error.problems.some((problem) => problem.startsWith('port')),
  );
});

test('every bad option is reported at once', () => {
  assert.throws(
    () => resolveLocalKafkaOptions({ port: 9092, controllerPort: 9092, heap: '100m', kafkaDir: 'a,b' }),
    (error) => isFraudError(error, 'FRAUD_USAGE') && error.problems.length === 3,
  );
});

test('heap sizes are read in MiB and GiB', () => {
  assert.equal(heapBytes('512m'), 512 * 1024 ** 2);
  assert.equal(heapBytes('2G'), 2 * 1024 ** 3);
  assert.ok(Number.isNaN(heapBytes('2 GB')));
});

test('flag text that is not a whole number is FRAUD_USAGE with the flag and the text', () => {
  assert.throws(
    () => kafkaSettingsFromFlags({ ...goodFlags, port: '90x2' }, 'start'),
    (error) => isFraudError(error, 'FRAUD_USAGE') && error.problems.length === 1 && /--port .*'90x2'/.test(error.problems[0] ?? ''),
  );
});

test('--timeout sets the ready timeout for start and the shutdown timeout for stop', () => {
  assert.equal(kafkaSettingsFromFlags({ ...goodFlags, timeout: '5' }, 'start').readyTimeoutMs, 5000);
  assert.equal(kafkaSettingsFromFlags({ ...goodFlags, timeout: '7' }, 'stop').stopTimeoutMs, 7000);
});

test('`fraud kafka status --port 0` fails with FRAUD_USAGE before touching anything', async () => {
  const command = kafkaCommand({ out: () => undefined, err: () => undefined });
  await assert.rejects(
    command.parseAsync(['status', '--port', '0'], { from: 'user' }),
    (error) => isFraudError(error, 'FRAUD_USAGE') && /--port/.test(error.problems.join('\n')),
  );
});
