import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { RulesetSource } from '../../src/detector/rules/source.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { anEntry, aRulesetText } from './fixtures.ts';

test('a detector runs a published ruleset under its published version; a broken one is refused; other kinds are passed over', () => {
  const source = new RulesetSource(compileRuleset({ version: 'start', rules: [] }), silentLogger(), 0);
  const artifact = anEntry({ version: 'v1+0123abcd', declaredVersion: 'v1', content: aRulesetText({ version: 'v1', review: 42 }) });
  assert.equal(source.offer(JSON.stringify(artifact), 'test', 1), true);
  assert.deepEqual([source.current().version, source.current().thresholds.review], ['v1+0123abcd', 42]);

  assert.equal(source.offer(JSON.stringify({ ...artifact, note: '' }), 'test', 2), false, 'an artifact without its note is not one');
  assert.equal(source.offer(JSON.stringify({ ...anEntry(), content: 'rules: [{ id: broken }]' }), 'test', 3), false, 'invalid content');
  assert.equal(source.offer(JSON.stringify({ kind: 'model', content: '{"weights": []}' }), 'test', 4), false, 'a model, even one this reader cannot check');
  assert.equal(source.offer(aRulesetText({ version: 'bare-2' }), 'test', 5), true, 'a bare ruleset is still read');
  assert.equal(source.current().version, 'bare-2');
});
