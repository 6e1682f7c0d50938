import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { FraudError, isFraudError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(isFraudError(error, 'FRAUD_CONFIG_INVALID'), `expected FRAUD_CONFIG_INVALID, got ${String(error)}`);
    return (error as FraudError).problems;
  }
  assert.fail('expected the configuration to be refused');
}

test("defaults are the seed's: topic names and 2 transactions per second, embedded log", () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.topics.transactions, 'queuing.transactions');
  assert.equal(config.topics.legit, 'queuing.legit');
  assert.equal(config.topics.fraud, 'queuing.fraud');
  assert.equal(config.topics.deadLetter, 'queuing.dead-letter');
  assert.equal(config.topics.rules, 'queuing.rules');
  assert.equal(config.topics.labels, 'queuing.labels');
  assert.equal(config.rate, 2);
  assert.equal(config.kafka.brokers, undefined);
  assert.equal(config.dataDir, './data');
  assert.equal(config.dashboard.host, '127.0.0.1');
  assert.equal(config.dashboard.port, 5000);
});

test("the seed's environment names work", () => {
  const config = loadConfig({
    env: {
      KAFKA_BROKER_URL: 'localhost:9092,other:9093',
      TRANSACTIONS_TOPIC: 'in',
      LEGIT_TOPIC: 'ok',
      FRAUD_TOPIC: 'bad',
      TRANSACTIONS_PER_SECOND: '5.5',
      DEAD_LETTER_TOPIC: 'dlq',
    },
  });
  assert.deepEqual(config.kafka.brokers, ['localhost:9092', 'other:9093']);
  assert.deepEqual([config.topics.transactions, config.topics.legit, config.topics.fraud, config.topics.deadLetter], ['in', 'ok', 'bad', 'dlq']);
  assert.equal(config.rate, 5.5);
});

test('flags override the environment, which overrides the file', (t) => {
  const file = join(tempDir(t), 'fraud.yaml');
  writeFileSync(file, 'rate: 7\npartitions: 3\ntopics:\n  legit: from-file\n');
  const config = loadConfig({ file, env: { TRANSACTIONS_PER_SECOND: '9', LEGIT_TOPIC: 'from-env' }, flags: { rate: '11' } });
  assert.equal(config.rate, 11);
  assert.equal(config.partitions, 3);
  assert.equal(config.topics.legit, 'from-env');
});

const invalidCases: Array<{ name: string; env?: Record<string, string>; flags?: Record<string, unknown>; mentions: RegExp }> = [
  { name: 'rate not a number', env: { TRANSACTIONS_PER_SECOND: 'fast' }, mentions: /TRANSACTIONS_PER_SECOND: must be a number/ },
  { name: 'negative rate', flags: { rate: '-1' }, mentions: /--rate: must be 0/ },
  { name: 'broker without port', env: { KAFKA_BROKER_URL: 'localhost' }, mentions: /KAFKA_BROKER_URL.*HOST:PORT/ },
  { name: 'broker port out of range', env: { KAFKA_BROKER_URL: 'h:99999' }, mentions: /KAFKA_BROKER_URL.*1 to 65535/ },
  { name: 'topic with a space', env: { LEGIT_TOPIC: 'my topic' }, mentions: /LEGIT_TOPIC: must be 1-249 characters/ },
  { name: 'two roles on one topic', env: { FRAUD_TOPIC: 'queuing.legit' }, mentions: /must differ from the legit topic/ },
  { name: 'port too large', flags: { port: '70000' }, mentions: /--port/ },
  { name: 'zero partitions', flags: { partitions: '0' }, mentions: /--partitions/ },
  { name: 'fractional partitions', flags: { partitions: '1.5' }, mentions: /--partitions: must be a whole number/ },
  { name: 'unknown log level', env: { LOG_LEVEL: 'loud' }, mentions: /LOG_LEVEL/ },
  { name: 'boolean that is not one', env: { DETECTOR_EXACTLY_ONCE: 'maybe' }, mentions: /DETECTOR_EXACTLY_ONCE: must be true or false/ },
  { name: 'short dashboard token', env: { DASHBOARD_TOKEN: 'abc' }, mentions: /DASHBOARD_TOKEN: must be at least 16/ },
  { name: 'unknown SASL mechanism', env: { KAFKA_SASL_MECHANISM: 'MAGIC', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, mentions: /KAFKA_SASL_MECHANISM/ },
];

for (const invalid of invalidCases) {
  test(`refuses ${invalid.name}, naming the setting`, () => {
    const problems = problemsOf(() => loadConfig({ env: invalid.env ?? {}, flags: invalid.flags ?? {} }));
    assert.ok(problems.some((problem) => invalid.mentions.test(problem)), `problems: ${JSON.stringify(problems)}`);
  });
}

test('lists every problem at once, not just the first', () => {
  const problems = problemsOf(() =>
    loadConfig({ env: { TRANSACTIONS_PER_SECOND: 'x', KAFKA_BROKER_URL: 'nohost' }, flags: { partitions: '0', port: '-5' } }),
  );
  assert.equal(problems.length, 4, JSON.stringify(problems));
});

test('a file that is not YAML is a configuration problem, not a crash', (t) => {
  const file = join(tempDir(t), 'broken.yaml');
  writeFileSync(file, 'rate: [1, 2\n');
  const problems = problemsOf(() => loadConfig({ file, env: {} }));
  assert.match(problems[0] ?? '', /config file/);
});

test('a missing config file is reported', () => {
  const problems = problemsOf(() => loadConfig({ file: '/nonexistent/fraud.yaml', env: {} }));
  assert.match(problems[0] ?? '', /\/nonexistent\/fraud.yaml/);
});
