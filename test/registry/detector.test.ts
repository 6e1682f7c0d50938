import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDetector } from '../../src/cli/detect.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { pipelineTopics } from '../../src/log/open.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ArtifactRegistry } from '../../src/registry/index.ts';
import { aTransaction } from '../helpers/builders.ts';
import { eventually, readAll } from '../helpers/log.ts';
import { pipelineEnv, randomPipeline } from '../helpers/pipeline.ts';
import { tempDir } from '../helpers/temp.ts';
import { aRulesetText } from './fixtures.ts';

test('a running detector decides with each published version and names it in its decisions, a renamed one and a rollback included', async (t) => {
  const dataDir = tempDir(t);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  const topics = randomPipeline('versions');
  const config = loadConfig({
    env: { ...pipelineEnv(topics), TRANSACTIONS_TOPIC: topics.transactions, LEGIT_TOPIC: topics.legit, FRAUD_TOPIC: topics.fraud, DEAD_LETTER_TOPIC: topics.deadLetter, FRAUD_PARTITIONS: '1' },
  });
  await log.ensureTopics(pipelineTopics(config));
  const rulesFile = join(dataDir, 'rules.yaml');
  writeFileSync(rulesFile, aRulesetText({ version: 'file-1', rules: [{ id: 'big', when: 'tx.amount >= 5000.0', score: 90 }] }));
  const stop = new AbortController();
  const running = startDetector({ config, log, logger: silentLogger(), rulesFile, signal: stop.signal });
  const registry = new ArtifactRegistry({ log, topics: config.topics, logger: silentLogger() });
  t.after(() => registry.close());
  const producer = await log.createProducer();
  t.after(() => producer.close());

  /** Sends transactions until one is decided by `version`; returns its verdict. */
  const decidedBy = async (version: string): Promise<string> => {
    let verdict = '';
    const found = await eventually(async () => {
      await producer.send([{ topic: config.topics.transactions, key: 'A', value: JSON.stringify(aTransaction({ amount: 100 })) }]);
      const decisions = [...(await readAll(log, config.topics.legit)), ...(await readAll(log, config.topics.fraud))]
        .sort((a, b) => a.timestamp - b.timestamp)
        .map((record) => (JSON.parse(String(record.value)) as { decision: { rules: string; verdict: string } }).decision);
      const last = decisions.at(-1);
      verdict = last?.verdict ?? '';
      return last?.rules === version;
    }, 10_000, 100);
    assert.ok(found, `a decision by ${version}`);
    return verdict;
  };
  const sign = { author: 'ana', via: 'cli' } as const;
  const strict = (version: string) => aRulesetText({ version, rules: [{ id: 'big', when: 'tx.amount >= 50.0', score: 90 }] });

  assert.equal(await decidedBy('file-1'), 'legit');
  await registry.publish({ content: strict('v1'), ...sign, note: 'flag from 50' });
  assert.equal(await decidedBy('v1'), 'fraud');
  const renamed = await registry.publish({ content: aRulesetText({ version: 'v1', rules: [{ id: 'big', when: 'tx.amount >= 500.0', score: 90 }] }), ...sign, note: 'flag from 500' });
  assert.ok(renamed.status === 'published' && renamed.renamed);
  assert.equal(await decidedBy(renamed.entry.version), 'legit');
  await registry.rollback({ version: 'v1', ...sign, note: 'back to 50' });
  assert.equal(await decidedBy('v1'), 'fraud');
  stop.abort();
  await running;
});
