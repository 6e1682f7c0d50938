import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import { startFraud } from '../helpers/cli.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { kcatConsume, kcatMissing, kcatProduce, type KcatMessage } from '../helpers/kcat.ts';
import { eventually } from '../helpers/log.ts';
import { pipelineArgs, pipelineEnv, pipelineSpecs, randomPipeline } from '../helpers/pipeline.ts';
import { randomTopic } from '../helpers/topics.ts';

const SEED_FIELDS = ['source', 'target', 'amount', 'currency'] as const;

interface SeedTransaction {
  source: string;
  target: string;
  amount: number;
  currency: string;
}

/** Messages in the seed's shape, nothing else: what any Kafka client of the original project wrote. */
function seedMessages(count: number): SeedTransaction[] {
  return Array.from({ length: count }, (_, i) => ({
    source: `ACC${String(i % 7).padStart(9, '0')}`,
    target: `MERCHANT${String(i).padStart(4, '0')}`,
    amount: i % 5 === 0 ? 950 + i : 10 + i * 1.25,
    currency: i % 2 === 0 ? 'EUR' : 'USD',
  }));
}

function skipReason(): string | undefined {
  const kafka = kafkaTestOptions().skip;
  if (kafka) return kafka;
  return process.env.CI === 'true' ? undefined : kcatMissing();
}

test('records written by kcat in the seed shape are decided by fraud detect and read back by kcat', { timeout: 120_000, skip: skipReason() }, async (t) => {
  const brokers = requireKafka(t);
  const topics = randomPipeline('interop');
  const log = await openKafkaLog({ brokers: brokers.split(','), clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
  t.after(() => log.close());
  await log.ensureTopics(pipelineSpecs(topics, 3));

  const transactions = seedMessages(30);
  const badKey = `bad-${randomTopic('k')}`;
  await kcatProduce(brokers, topics.transactions, [
    ...transactions.map((tx) => ({ key: tx.source, value: JSON.stringify(tx) })),
    { key: badKey, value: 'this is not JSON {' },
  ]);

  const detector = startFraud(t, ['detect', ...pipelineArgs(brokers, topics, 3), '--group', randomTopic('g')], pipelineEnv(topics));
  const outputs = async (): Promise<KcatMessage[]> =>
    (await Promise.all([topics.legit, topics.fraud, topics.deadLetter].map((topic) => kcatConsume(brokers, topic)))).flat();
  assert.ok(await eventually(async () => (await outputs()).length >= transactions.length + 1, 60_000, 250), `all decided: ${detector.output()}`);
  detector.child.kill('SIGTERM');
  assert.deepEqual(await detector.exited, { code: 0, signal: null }, detector.output());

  const decisions = [...(await kcatConsume(brokers, topics.legit)), ...(await kcatConsume(brokers, topics.fraud))];
  const deadLetters = await kcatConsume(brokers, topics.deadLetter);
  assert.equal(decisions.length, transactions.length, 'one decision per valid input');
  assert.equal(deadLetters.length, 1, 'one dead letter');
  const inputs = await kcatConsume(brokers, topics.transactions);
  for (const message of decisions) checkDecision(message, inputs, topics.transactions);
  checkDeadLetter(deadLetters[0] as KcatMessage, badKey, topics.transactions);
  t.diagnostic(`kcat wrote ${transactions.length + 1} records; kcat read ${decisions.length} decisions and ${deadLetters.length} dead letter`);
});

/** The contract's decision: the input unchanged, plus an id from topic, partition and offset, plus `decision`. */
function checkDecision(message: KcatMessage, inputs: KcatMessage[], inputTopic: string): void {
  const value = JSON.parse(message.payload ?? 'null') as Record<string, unknown> & { id: string; decision: Record<string, unknown> };
  const [topic, partition, offset] = parseDerivedId(value.id, inputTopic);
  assert.equal(topic, inputTopic, 'the id names the input topic');
  const input = inputs.find((candidate) => candidate.partition === partition && candidate.offset === offset);
  assert.ok(input, `the id ${value.id} points at an input record`);
  const original = JSON.parse(input.payload ?? 'null') as Record<string, unknown>;
  for (const field of SEED_FIELDS) assert.deepEqual(value[field], original[field], `${field} unchanged`);
  assert.deepEqual(Object.keys(value).sort(), [...SEED_FIELDS, 'decision', 'id'].sort(), 'nothing else added');
  assert.equal(message.key, input.key, 'the key is kept');
  const decision = value.decision;
  assert.ok(['legit', 'review', 'fraud'].includes(String(decision.verdict)), `verdict ${String(decision.verdict)}`);
  assert.equal(message.topic.endsWith(decision.verdict === 'legit' ? '.legit' : '.fraud'), true, 'routed by verdict');
  assert.ok(typeof decision.score === 'number' && decision.score >= 0 && decision.score <= 100, 'score 0-100');
  assert.ok(Array.isArray(decision.reasons), 'reasons');
  for (const reason of decision.reasons as Array<Record<string, unknown>>) {
    assert.equal(typeof reason.rule, 'string');
    assert.equal(typeof reason.detail, 'string');
  }
  assert.equal(typeof decision.rules, 'string', 'ruleset version');
  assert.ok(!Number.isNaN(Date.parse(String(decision.decidedAt))), 'decidedAt is ISO-8601');
}

function checkDeadLetter(message: KcatMessage, key: string, inputTopic: string): void {
  const value = JSON.parse(message.payload ?? 'null') as Record<string, unknown>;
  assert.equal(value.error, 'NOT_JSON');
  assert.equal(typeof value.reason, 'string');
  assert.notEqual(value.reason, '');
  assert.equal(value.topic, inputTopic);
  assert.equal(typeof value.partition, 'number');
  assert.equal(typeof value.offset, 'number');
  assert.equal(value.payload, 'this is not JSON {');
  assert.equal(message.key, key, 'the key is kept');
}

/** `<topic>-<partition>-<offset>`; the topic itself may contain dashes. */
function parseDerivedId(id: string, inputTopic: string): [string, number, number] {
  const match = /^(.*)-(\d+)-(\d+)$/.exec(id);
  assert.ok(match, `derived id ${id}`);
  assert.ok(id.startsWith(`${inputTopic}-`));
  return [match[1] ?? '', Number(match[2]), Number(match[3])];
}
