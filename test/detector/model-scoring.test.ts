import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL_REASON_RULE } from '../../src/detector/model/decide.ts';
import { detectorFeatureNames, loadModel, type LoadedModel } from '../../src/detector/model/loaded.ts';
import { ModelSource } from '../../src/detector/model/source.ts';
import { BatchProcessor } from '../../src/detector/processor.ts';
import { compileRuleset, type Ruleset } from '../../src/detector/rules/ruleset.ts';
import type { Decision } from '../../src/domain/decision.ts';
import { FeatureVectorizer } from '../../src/model/flatten.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { aRecord, aTransaction } from '../helpers/builders.ts';
import { newState, toItems } from '../helpers/state.ts';
import { anAmountModel, sigmoid } from './model-fixture.ts';

const topics = { legit: 'out.legit', fraud: 'out.fraud', deadLetter: 'out.dlq' };
const now = Date.parse('2026-06-01T08:00:00.000Z');

function processorWith(ruleset: Ruleset, model: LoadedModel | undefined): BatchProcessor {
  const { store, limits } = newState();
  return new BatchProcessor({ topics, maxRecordBytes: 4096, ruleset: () => ruleset, model: () => model, now: () => now, store, limits });
}

/** Decides one transaction per amount, each of its own new account, in order. */
function decide(processor: BatchProcessor, amounts: number[]): Decision[] {
  const records = amounts.map((amount, i) => aRecord(aTransaction({ amount, source: `ACC-${i}-${amount}`, target: `PAYEE-${i}` })));
  return processor.process(toItems(records)).outputs.map((output) => (JSON.parse(String(output.value)) as { decision: Decision }).decision);
}

const noRules = compileRuleset({ version: 'none', rules: [] });
const model = loadModel(anAmountModel(), 'test');

test('the vectorizer reads exactly the columns the model lists, from the features rules see', () => {
  const names = ['source.max_1h', 'time.night', 'channel.online', 'no.such'];
  const vectorizer = new FeatureVectorizer(names);
  const out = new Float64Array(4);
  vectorizer.fill({ source: { max_1h: 950 }, time: { night: true }, channel: { online: false } }, out);
  assert.deepEqual([...out.slice(0, 3)], [950, 1, 0]);
  assert.ok(Number.isNaN(out[3]));
  for (const name of names.slice(0, 3)) assert.ok(detectorFeatureNames().has(name), name);
  // Names that are not plain identifiers are read by the generic walk, never compiled into code: the same values.
  const odd = new FeatureVectorizer([...names, 'odd-group.x']);
  const oddOut = new Float64Array(5);
  odd.fill({ source: { max_1h: 950 }, time: { night: true }, channel: { online: false }, 'odd-group': { x: 7 } }, oddOut);
  assert.deepEqual([...oddOut.slice(0, 3), oddOut[4]], [950, 1, 0, 7]);
  assert.ok(Number.isNaN(oddOut[3]));
  const missingGroup = new Float64Array(1);
  new FeatureVectorizer(['source.max_1h']).fill({ source: null }, missingGroup);
  assert.ok(Number.isNaN(missingGroup[0]), 'a group that is not an object reads as NaN');
  assert.ok(!detectorFeatureNames().has('model.score'), 'the model never reads its own output');
});

test('with a model the score is 100 × its probability, to 3 decimals, and the decision names the model', () => {
  const [low, high] = decide(processorWith(noRules, model), [100, 950]);
  assert.ok(low && high);
  assert.equal(low.score, Math.round(100 * sigmoid(-3) * 1000) / 1000);
  assert.equal(high.score, Math.round(100 * sigmoid(3) * 1000) / 1000);
  assert.notEqual(low.score, Math.round(low.score), 'graded, not a whole number');
  assert.deepEqual(low.model, { id: 'amount', version: '1', probability: Math.round(sigmoid(-3) * 1e6) / 1e6 });
  assert.equal(low.verdict, 'legit');
  assert.equal(high.verdict, 'fraud');
});

test('without a model decisions are as before: whole scores, no model field, f.model.score is 0', () => {
  const ruleset = compileRuleset({ version: 'r', rules: [{ id: 'no-model', description: 'd', when: 'f.model.score == 0.0 && !f.model.loaded', score: 60, reason: 'no model' }] });
  const [decision] = decide(processorWith(ruleset, undefined), [100]);
  assert.ok(decision);
  assert.equal(decision.score, 60);
  assert.equal(decision.model, undefined);
  assert.deepEqual(decision.reasons, [{ rule: 'no-model', detail: 'no model' }]);
});

test('rules read the probability as f.model.score, and add to the model score as policy (blocklist, allow-list), clamped to 0..100', () => {
  const ruleset = compileRuleset({
    version: 'policy',
    lists: { blocked: { accounts: ['ACC-1-100'] }, allowed: { accounts: ['ACC-2-100'] } },
    rules: [
      { id: 'model-high', description: 'd', when: 'f.model.score > 0.9', score: 10, reason: 'model {{ f.model.score }}' },
      { id: 'blocked', description: 'd', when: 'f.lists.source_blocked', score: 100, reason: 'blocked' },
      { id: 'allowed', description: 'd', when: 'f.lists.source_allowed', score: -100, reason: 'allowed' },
    ],
  });
  const [plain, blocked, allowed] = decide(processorWith(ruleset, model), [950, 100, 100]);
  assert.ok(plain && blocked && allowed);
  assert.equal(plain.score, Math.round(Math.min(100, 100 * sigmoid(3) + 10) * 1000) / 1000);
  assert.equal(plain.reasons[0]?.rule, 'model-high');
  assert.equal(blocked.verdict, 'fraud', 'a blocked account is flagged whatever the model says');
  assert.equal(blocked.score, 100);
  assert.equal(allowed.score, 0, 'an allow-list rule outweighs the model, and the score stays within 0..100');
  assert.equal(allowed.verdict, 'legit');
});

test('a flagged decision names the features that pushed the model score up (TreeSHAP); a legit one does not pay for them', () => {
  const [low, high] = decide(processorWith(noRules, model), [100, 950]);
  assert.ok(low && high);
  assert.equal(low.reasons.length, 0);
  const reasons = high.reasons.filter((reason) => reason.rule === MODEL_REASON_RULE);
  assert.equal(reasons.length, 1, 'one feature of the tree pushed it up');
  const [top] = reasons;
  assert.equal(top?.feature, 'source.max_1h');
  // φ = leaf value − the tree's expectation (cover-weighted): 3 − (0.9·−3 + 0.1·3) = 5.4.
  assert.equal(top?.contribution, 5.4);
  assert.match(top?.detail ?? '', /^source\.max_1h = 950 \(\+5\.4 log-odds\)$/);
});

test('a model that reads a feature the detector does not compute is refused with it named', () => {
  assert.throws(() => loadModel(anAmountModel({ features: ['source.max_1h', 'source.shoe_size'] }), 'test'), (error: { code: string; problems: string[] }) => {
    assert.equal(error.code, 'FRAUD_MODEL_FEATURES');
    assert.deepEqual(error.problems, ['missing feature: source.shoe_size']);
    return true;
  });
});

function anArtifact(content: string, kind = 'model', version = 'amount@2'): string {
  return JSON.stringify({
    id: 'p1', kind, name: 'model', version, declaredVersion: version, digest: `sha256:${'0'.repeat(64)}`, content,
    author: 'ana', note: 'n', publishedAt: '2026-01-01T00:00:00.000Z', action: 'publish', previous: null, via: 'cli',
  });
}

test('a model source takes a valid published model, keeps the one in force when the next is refused, and passes rulesets over', () => {
  const source = new ModelSource(model, silentLogger(), 1000);
  assert.equal(source.offer(anArtifact(JSON.stringify(anAmountModel({ version: '2' }))), 'topic@1', 2000), true);
  assert.equal(source.current()?.version, 'amount@2');
  assert.equal(source.offer(anArtifact('{"format":"fraud-detector-model","formatVersion":1,"id":"broken"}', 'model', 'broken@1'), 'topic@2', 3000), false);
  assert.equal(source.offer(anArtifact(JSON.stringify(anAmountModel({ features: ['source.nope'] })), 'model', 'x@1'), 'topic@3', 3000), false);
  assert.equal(source.offer(anArtifact('rules: []', 'ruleset', 'r1'), 'topic@4', 3000), false);
  assert.equal(source.offer('rules: []', 'topic@5', 3000), false);
  assert.equal(source.current()?.version, 'amount@2');
  assert.equal(source.offer(anArtifact(JSON.stringify(anAmountModel({ version: '0' })), 'model', 'amount@0'), 'topic@6', 1500), false, 'older than the one in force');
});
