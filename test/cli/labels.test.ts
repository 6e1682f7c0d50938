import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { writeModelFile } from '../../src/model/io.ts';
import { anAmountModel } from '../detector/model-fixture.ts';
import { runFraud } from '../helpers/cli.ts';
import { readAll } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';

const good = (id: string, fraud = true) => JSON.stringify({ id, fraud, knownAt: '2026-03-03T00:00:00Z', source: 'chargeback' });

test('fraud labels --from FILE writes every label to the labels topic, keyed by transaction id', async (t) => {
  const dataDir = tempDir(t);
  const file = join(dataDir, 'labels.jsonl');
  writeFileSync(file, `${good('t1')}\n\n${good('t2', false)}\n${good('t3')}\n`);
  const run = await runFraud(['labels', '--from', file, '--json'], { env: { FRAUD_DATA_DIR: dataDir, LABELS_TOPIC: 'l.test' } });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { written: 3, frauds: 2, invalid: 0, topic: 'l.test' });
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  const records = await readAll(log, 'l.test');
  assert.deepEqual(records.map((r) => String(r.key)).sort(), ['t1', 't2', 't3']);
  assert.deepEqual(records.map((r) => (JSON.parse(String(r.value)) as { id: string }).id).sort(), ['t1', 't2', 't3']);
});

test('fraud labels refuses a file with invalid lines, naming each, and writes none of it; --skip-invalid writes the valid ones from stdin', async (t) => {
  const dataDir = tempDir(t);
  const file = join(dataDir, 'labels.jsonl');
  const text = `${good('t1')}\n{"id":"t2","fraud":"yes","knownAt":"2026-03-03","source":"x"}\nnot json\n${good('t4')}\n`;
  writeFileSync(file, text);
  const env = { FRAUD_DATA_DIR: dataDir, LABELS_TOPIC: 'l.bad' };
  const refused = await runFraud(['labels', '--from', file], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /FRAUD_LABELS_INVALID/);
  assert.match(refused.stderr, /line 2: fraud/);
  assert.match(refused.stderr, /line 3: not JSON/);
  const log = openEmbeddedLog({ dataDir });
  assert.equal((await readAll(log, 'l.bad').catch(() => [])).length, 0, 'nothing written');
  await log.close();
  const skipped = await runFraud(['labels', '--from', '-', '--skip-invalid'], { env, input: text });
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, /^2 label\(s\) written to l\.bad \(2 fraud\), 2 invalid line\(s\) skipped/);
  assert.match(skipped.stderr, /skipped line 2: fraud/);
  const again = openEmbeddedLog({ dataDir });
  t.after(() => again.close());
  assert.deepEqual((await readAll(again, 'l.bad')).map((r) => String(r.key)).sort(), ['t1', 't4']);
});

test('fraud detect --model refuses an invalid model at start-up with every problem, exit code 2', async (t) => {
  const dataDir = tempDir(t);
  const file = join(dataDir, 'model.json');
  writeModelFile(file, anAmountModel({ features: ['source.max_1h', 'source.shoe_size', 'card.hat'] }));
  const run = await runFraud(['detect', '--model', file], { env: { FRAUD_DATA_DIR: dataDir } });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /FRAUD_MODEL_FEATURES/);
  assert.match(run.stderr, /missing feature: source\.shoe_size/);
  assert.match(run.stderr, /missing feature: card\.hat/);
  const viaEnv = await runFraud(['detect'], { env: { FRAUD_DATA_DIR: dataDir, FRAUD_MODEL_FILE: join(dataDir, 'absent.json') } });
  assert.equal(viaEnv.code, 2, viaEnv.stderr);
  assert.match(viaEnv.stderr, /FRAUD_MODEL_INVALID/);
});
