import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDetector } from '../../src/cli/detect.ts';
import { loadConfig } from '../../src/config/load.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { RulesetSource } from '../../src/detector/rules/source.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { pipelineTopics } from '../../src/log/open.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { aTransaction } from '../helpers/builders.ts';
import { eventually, readAll } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';

const rulesetText = (version: string, threshold: number) => `
version: ${version}
rules:
  - { id: big, description: big, when: "tx.amount >= ${threshold}.0", score: 90, reason: "big" }
`;

test('a valid ruleset replaces the current one; an invalid one is refused and the old one stays', () => {
  const source = new RulesetSource(compileRuleset({ version: 'v1', rules: [] }), silentLogger(), 0);
  const seen: string[] = [];
  source.onChange(({ ruleset }) => seen.push(ruleset.version));
  assert.equal(source.offer(rulesetText('v2', 10), 'test', 1), true);
  assert.equal(source.current().version, 'v2');
  assert.equal(source.offer('rules: [{ id: broken }]', 'test', 2), false);
  assert.equal(source.offer(rulesetText('v3', 10).replace('>= 10.0', '>='), 'test', 3), false, 'CEL syntax error refused');
  assert.equal(source.current().version, 'v2');
  assert.equal(source.offer(rulesetText('old', 10), 'test', 0), false, 'an older ruleset does not win');
  assert.deepEqual(seen, ['v2']);
});

test('the ruleset file is reloaded when it changes, and a broken edit is refused', async (t) => {
  const file = join(tempDir(t), 'rules.yaml');
  writeFileSync(file, rulesetText('file-1', 100));
  const source = new RulesetSource(compileRuleset({ version: 'start', rules: [] }), silentLogger(), 0);
  source.watchFile(file, 50);
  t.after(() => source.close());
  const touch = (text: string, seconds: number) => {
    writeFileSync(file, text);
    utimesSync(file, seconds, seconds); // distinct mtimes even within one second
  };
  await new Promise((resolve) => setTimeout(resolve, 200)); // the watcher takes its first look
  touch(rulesetText('file-2', 200), 2_000_000_000);
  assert.ok(await eventually(async () => source.current().version === 'file-2', 5000, 25), source.current().version);
  touch('rules: nope', 2_000_000_100);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(source.current().version, 'file-2');
});

test('a ruleset published on the rules topic takes effect in a running detector within seconds', async (t) => {
  const dataDir = tempDir(t);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  const suffix = randomTopic('x');
  const config = loadConfig({
    env: {
      TRANSACTIONS_TOPIC: `tx-${suffix}`,
      LEGIT_TOPIC: `legit-${suffix}`,
      FRAUD_TOPIC: `fraud-${suffix}`,
      DEAD_LETTER_TOPIC: `dlq-${suffix}`,
      RULES_TOPIC: `rules-${suffix}`,
      FRAUD_PARTITIONS: '2',
    },
  });
  await log.ensureTopics(pipelineTopics(config));
  const rulesFile = join(dataDir, 'rules.yaml');
  writeFileSync(rulesFile, rulesetText('file-1', 1000));
  const stop = new AbortController();
  const running = startDetector({ config, log, logger: silentLogger(), rulesFile, signal: stop.signal });
  const producer = await log.createProducer();
  const send = (amount: number) => producer.send([{ topic: config.topics.transactions, key: 'A', value: JSON.stringify(aTransaction({ amount })) }]);
  await send(50);
  assert.ok(await eventually(async () => (await readAll(log, config.topics.legit)).length === 1, 10_000));

  await producer.send([{ topic: config.topics.rules, key: 'default', value: rulesetText('topic-2', 10) }]);
  const published = Date.now();
  let decidedBy = '';
  assert.ok(
    await eventually(async () => {
      await send(50);
      const fraud = await readAll(log, config.topics.fraud);
      decidedBy = fraud.length > 0 ? (JSON.parse(String(fraud[fraud.length - 1]?.value)) as { decision: { rules: string } }).decision.rules : '';
      return decidedBy === 'topic-2';
    }, 10_000, 200),
    'the new ruleset decided a transaction',
  );
  assert.ok(Date.now() - published < 10_000);
  stop.abort();
  await running;
});
