import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFraudError } from '../../src/errors.ts';
import { evaluateRules, verdictFor } from '../../src/detector/rules/engine.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile, parseRulesetText } from '../../src/detector/rules/load.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { newFeatureView, observe } from '../../src/detector/features/extract.ts';
import { DEFAULT_LIMITS } from '../../src/detector/state/limits.ts';
import { EntityStore } from '../../src/detector/state/store.ts';
import { aTransaction } from '../helpers/builders.ts';

const seedRules = loadRulesetFile(new URL('../../rules/seed.yaml', import.meta.url).pathname);

test("the seed's rule flags 900 and more as fraud, with a reason naming the amount", () => {
  const at900 = evaluateRules(seedRules, { tx: aTransaction({ amount: 900, currency: 'EUR' }) });
  assert.equal(at900.verdict, 'fraud');
  assert.deepEqual(at900.reasons, [{ rule: 'seed-large-amount', detail: 'amount 900 EUR is at least 900' }]);
  const below = evaluateRules(seedRules, { tx: aTransaction({ amount: 899.99 }) });
  assert.equal(below.verdict, 'legit');
  assert.deepEqual(below.reasons, []);
});

test('the default ruleset loads and compiles', () => {
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  assert.ok(ruleset.rules.length > 0);
  assert.ok(ruleset.version.length > 0);
});

test('scores add up, are capped at 100 and map to verdicts by the thresholds', () => {
  const ruleset = compileRuleset({
    thresholds: { review: 40, fraud: 70 },
    rules: [
      { id: 'a', description: 'a', when: 'tx.amount > 10.0', score: 30, reason: 'a' },
      { id: 'b', description: 'b', when: 'tx.amount > 20.0', score: 30, reason: 'b' },
      { id: 'c', description: 'c', when: 'tx.amount > 30.0', score: 60, reason: 'c' },
    ],
  });
  assert.equal(evaluateRules(ruleset, { tx: aTransaction({ amount: 15 }) }).verdict, 'legit');
  assert.equal(evaluateRules(ruleset, { tx: aTransaction({ amount: 25 }) }).verdict, 'review');
  const all = evaluateRules(ruleset, { tx: aTransaction({ amount: 35 }) });
  assert.equal(all.score, 100);
  assert.equal(all.verdict, 'fraud');
  assert.equal(verdictFor(69, ruleset.thresholds), 'review');
});

test('a rule that fails yields an error outcome and the others still decide', () => {
  const ruleset = compileRuleset({
    rules: [
      { id: 'broken', description: 'adds a string to a number', when: 'tx.amount + "x" > 1.0', score: 50, reason: 'never' },
      { id: 'not-boolean', description: 'returns a number', when: 'tx.amount', score: 50, reason: 'never' },
      { id: 'big', description: 'big', when: 'tx.amount >= 100.0', score: 90, reason: 'big {{tx.amount}}' },
    ],
  });
  const evaluation = evaluateRules(ruleset, { tx: aTransaction({ amount: 150 }) });
  assert.equal(evaluation.verdict, 'fraud');
  assert.deepEqual(evaluation.outcomes.map((o) => [o.rule, o.outcome]), [['broken', 'error'], ['not-boolean', 'error'], ['big', 'hit']]);
  assert.match(evaluation.outcomes[1]?.outcome === 'error' ? evaluation.outcomes[1].reason : '', /not a boolean/);
});

test('a missing optional field never raises when the rule guards it with has()', () => {
  const ruleset = compileRuleset({
    rules: [{ id: 'fr', description: 'in France', when: 'has(tx.country) && tx.country == "FR"', score: 10, reason: 'FR' }],
  });
  const evaluation = evaluateRules(ruleset, { tx: aTransaction() });
  assert.deepEqual(evaluation.outcomes, []);
});

test('a shadow rule is evaluated and reported but never changes the verdict', () => {
  const ruleset = compileRuleset({
    rules: [{ id: 'trial', description: 'trial', when: 'tx.amount > 1.0', score: 100, reason: 'trial', shadow: true }],
  });
  const evaluation = evaluateRules(ruleset, { tx: aTransaction({ amount: 5 }) });
  assert.equal(evaluation.verdict, 'legit');
  assert.equal(evaluation.score, 0);
  assert.deepEqual(evaluation.outcomes.map((o) => [o.rule, o.outcome, o.shadow]), [['trial', 'hit', true]]);
});

test('an invalid ruleset is refused with every problem', () => {
  assert.throws(
    () =>
      parseRulesetText(
        `thresholds: { review: 90, fraud: 50 }
rules:
  - { id: Bad_Id, description: x, when: "tx.amount >", score: 10, reason: x }
  - { id: dup, description: x, when: "true", score: 10, reason: x }
  - { id: dup, description: x, when: "true", score: 200, reason: x }`,
        'inline',
      ),
    (error) => isFraudError(error, 'FRAUD_RULES_INVALID') && error.problems.length >= 4,
  );
});

test('a CEL syntax error names the rule', () => {
  assert.throws(
    () => compileRuleset({ rules: [{ id: 'oops', description: 'x', when: 'tx.amount >', score: 1, reason: 'x' }] }),
    (error) => isFraudError(error, 'FRAUD_RULES_INVALID') && /rule oops/.test(error.problems[0] ?? ''),
  );
});

test('versions come from the file, or from the content when it has none', () => {
  const a = compileRuleset({ rules: [] });
  const b = compileRuleset({ rules: [{ id: 'x', description: 'x', when: 'true', score: 1, reason: 'x' }] });
  assert.match(a.version, /^sha-/);
  assert.notEqual(a.version, b.version);
  assert.equal(compileRuleset({ version: 'v7', rules: [] }).version, 'v7');
});

test('the shipped rules read the channel through its vocabulary: a payment without one is not an error, an alias counts', () => {
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const burst = (channel: string | undefined) => {
    const store = new EntityStore({ limits: DEFAULT_LIMITS, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY });
    const view = newFeatureView();
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    let outcome: string | undefined;
    for (let i = 0; i < 6; i++) {
      const tx = aTransaction({ id: `b${i}`, source: 'BURST', target: `P${i}`, amount: 20, ...(channel ? { channel } : {}) });
      const f = observe(view, tx, t0 + i * 5000, { store, limits: DEFAULT_LIMITS, settings: ruleset.features, channels: ruleset.channels, lists: ruleset.lists });
      const evaluation = evaluateRules(ruleset, { tx, f: { ...f, model: { score: 0, loaded: false } } });
      outcome = evaluation.outcomes.find((o) => o.rule === 'velocity-burst')?.outcome;
      assert.ok(!evaluation.outcomes.some((o) => o.outcome === 'error'), `no rule errs: ${JSON.stringify(evaluation.outcomes)}`);
    }
    return outcome;
  };
  assert.equal(burst(undefined), 'hit', 'six payments in 30 s with no channel: a burst');
  assert.equal(burst('ecommerce'), 'hit');
  assert.equal(burst('wire'), undefined, 'a wire is a transfer (an alias): a payroll run is not a burst');
});
