import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareArtifacts, formatDiff, type DiffSide } from '../../src/registry/index.ts';
import { aRulesetText } from './fixtures.ts';

const side = (label: string, content: string, version = label): DiffSide => ({ kind: 'ruleset', label, version, source: 'audit', content });

test('a diff lists added, removed and changed rules with their changed fields, thresholds, features and lists', () => {
  const a = aRulesetText({
    version: 'v1',
    blocked: ['ACC1', 'ACC2'],
    rules: [{ id: 'velocity', when: 'f.source.count_1m >= 6', score: 80 }, { id: 'gone', score: 5 }, { id: 'same' }],
  });
  const b = aRulesetText({
    version: 'v2',
    review: 60,
    smallAmount: 4,
    blocked: ['ACC2', 'ACC3', 'ACC4'],
    rules: [{ id: 'velocity', when: 'f.source.count_1m >= 5', score: 70, shadow: true }, { id: 'same' }, { id: 'fresh', score: 40 }],
  });
  const diff = compareArtifacts(side('v1', a), side('v2', b));
  assert.equal(diff.same, false);
  const ruleset = diff.ruleset;
  assert.ok(ruleset);
  assert.deepEqual(ruleset.version, { field: 'version', from: 'v1', to: 'v2' });
  assert.deepEqual(ruleset.thresholds, [{ field: 'review', from: 50, to: 60 }]);
  assert.deepEqual(ruleset.features, [{ field: 'smallAmount', from: 5, to: 4 }], 'a default compared with the value written out');
  assert.deepEqual(ruleset.lists, [{ list: 'blocked.accounts', addedCount: 2, removedCount: 1, added: ['ACC3', 'ACC4'], removed: ['ACC1'] }]);
  assert.deepEqual(ruleset.rules.added.map((rule) => rule.id), ['fresh']);
  assert.deepEqual(ruleset.rules.removed.map((rule) => rule.id), ['gone']);
  assert.deepEqual(ruleset.rules.changed, [
    {
      id: 'velocity',
      fields: [
        { field: 'when', from: 'f.source.count_1m >= 6', to: 'f.source.count_1m >= 5' },
        { field: 'score', from: 80, to: 70 },
        { field: 'shadow', from: false, to: true },
      ],
    },
  ]);
  assert.equal(ruleset.rules.reordered, false);

  const text = formatDiff(diff);
  for (const line of ['ruleset v1 -> v2', '  review: 50 -> 60', '  smallAmount: 5 -> 4', '  blocked.accounts: +2 (ACC3, ACC4) -1 (ACC1)', '  + fresh  score 40: tx.amount > 1.0', '  - gone  score 5: tx.amount > 1.0', '  ~ velocity', '    score: 80 -> 70']) {
    assert.ok(text.includes(line), `${JSON.stringify(line)} in:\n${text}`);
  }
});

test('the same rules under another version are "identical but for the version"; a new order is one flag', () => {
  const rules = [{ id: 'one' }, { id: 'two' }];
  const same = compareArtifacts(side('v1', aRulesetText({ version: 'v1', rules })), side('v2', aRulesetText({ version: 'v2', rules })));
  assert.equal(same.same, true);
  assert.match(formatDiff(same), /identical but for the version/);
  const reordered = compareArtifacts(side('v1', aRulesetText({ rules })), side('v2', aRulesetText({ rules: [...rules].reverse() })));
  assert.equal(reordered.same, false);
  assert.equal(reordered.ruleset?.rules.reordered, true);
});

test('long list changes are counted, and shown by their first ids only', () => {
  const many = Array.from({ length: 30 }, (_, i) => `ACC${String(i).padStart(3, '0')}`);
  const diff = compareArtifacts(side('a', aRulesetText()), side('b', aRulesetText({ blocked: many })));
  const [change] = diff.ruleset?.lists ?? [];
  assert.equal(change?.addedCount, 30);
  assert.equal(change?.added.length, 20);
  assert.match(formatDiff(diff), /\+30 \(ACC000, .*ACC019, …\)/);
});

test('an invalid side is refused with FRAUD_RULES_INVALID; two kinds cannot be compared', () => {
  assert.throws(() => compareArtifacts(side('a', aRulesetText()), side('b', 'rules: [{ id: x }]')), { code: 'FRAUD_RULES_INVALID' });
  assert.throws(() => compareArtifacts(side('a', aRulesetText()), { ...side('b', '{}'), kind: 'model' }), { code: 'FRAUD_USAGE' });
});
