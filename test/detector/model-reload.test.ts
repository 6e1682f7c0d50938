import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDetector } from '../../src/cli/detect.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Decision } from '../../src/domain/decision.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { pipelineTopics } from '../../src/log/open.ts';
import { writeModelFile } from '../../src/model/io.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ArtifactRegistry } from '../../src/registry/index.ts';
import { aTransaction } from '../helpers/builders.ts';
import { eventually, readAll } from '../helpers/log.ts';
import { pipelineEnv, randomPipeline } from '../helpers/pipeline.ts';
import { tempDir } from '../helpers/temp.ts';
import { aRulesetText } from '../registry/fixtures.ts';
import { anAmountModel } from './model-fixture.ts';

test('a running detector scores with its --model file, then with each model published to the rules topic; a refused one leaves the model in force', async (t) => {
  const dataDir = tempDir(t);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  const topics = randomPipeline('models');
  const modelFile = join(dataDir, 'model.json');
  writeModelFile(modelFile, anAmountModel({ version: 'file', cut: 5000 }));
  const config = loadConfig({
    env: { ...pipelineEnv(topics), TRANSACTIONS_TOPIC: topics.transactions, LEGIT_TOPIC: topics.legit, FRAUD_TOPIC: topics.fraud, DEAD_LETTER_TOPIC: topics.deadLetter, FRAUD_PARTITIONS: '1', FRAUD_MODEL_FILE: modelFile },
  });
  await log.ensureTopics(pipelineTopics(config));
  const rulesFile = join(dataDir, 'rules.yaml');
  writeFileSync(rulesFile, aRulesetText({ version: 'r1', rules: [{ id: 'never', when: 'tx.amount < 0.0', score: 10 }] }));
  const stop = new AbortController();
  const running = startDetector({ config, log, logger: silentLogger(), rulesFile, signal: stop.signal });
  const registry = new ArtifactRegistry({ log, topics: config.topics, logger: silentLogger() });
  t.after(() => registry.close());
  const producer = await log.createProducer();
  t.after(() => producer.close());
  let account = 0;

  /** Sends payments of 1000 until one is decided by the model `version`; returns that decision. */
  const decidedBy = async (version: string): Promise<Decision> => {
    let found: Decision | undefined;
    const ok = await eventually(async () => {
      await producer.send([{ topic: config.topics.transactions, key: 'A', value: JSON.stringify(aTransaction({ amount: 1000, source: `ACC-${account++}` })) }]);
      const decisions = [...(await readAll(log, config.topics.legit)), ...(await readAll(log, config.topics.fraud))]
        .sort((a, b) => a.timestamp - b.timestamp)
        .map((record) => (JSON.parse(String(record.value)) as { decision: Decision }).decision);
      found = decisions.at(-1);
      return found?.model?.version === version;
    }, 10_000, 100);
    assert.ok(ok && found, `a decision by model ${version}; last: ${JSON.stringify(found)}`);
    return found;
  };
  const sign = { author: 'ana', via: 'cli', kind: 'model' } as const;

  const byFile = await decidedBy('file');
  assert.equal(byFile.verdict, 'legit', 'the file model flags from 5000 only');
  const published = await registry.publish({ content: JSON.stringify(anAmountModel({ version: '2', cut: 500 })), ...sign, note: 'flag from 500' });
  assert.ok(published.status === 'published');
  assert.equal(published.entry.version, 'amount@2');
  const byPublished = await decidedBy('amount@2');
  assert.equal(byPublished.verdict, 'fraud', 'the published model flags 1000');
  assert.ok(byPublished.score > 90 && byPublished.score < 100);
  assert.ok(byPublished.reasons.some((reason) => reason.feature === 'source.max_1h'));

  // Refused by the registry (it checks as a detector does), and by the detector when written around the registry.
  await assert.rejects(registry.publish({ content: JSON.stringify(anAmountModel({ version: '3', features: ['source.nope'] })), ...sign, note: 'broken' }), /FRAUD_MODEL_FEATURES|feature/);
  const bad = JSON.stringify({ ...published.entry, id: 'x', version: 'amount@3', declaredVersion: 'amount@3', content: '{"format":"fraud-detector-model","formatVersion":1}' });
  await producer.send([{ topic: config.topics.rules, key: 'model', value: bad }]);
  const after = await decidedBy('amount@2');
  assert.equal(after.verdict, 'fraud');
  stop.abort();
  await running;
});
