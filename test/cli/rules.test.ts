import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';
import { aRulesetText } from '../registry/fixtures.ts';

interface HistoryJson {
  current: { version: string; id: string | null } | null;
  entries: Array<{ id: string; version: string; declaredVersion: string; action: string; author: string; note: string; previous: string | null; contentBytes: number }>;
}

test('fraud rules publish, diff, rollback and history on the embedded log; exit code 2 without a note or for an unknown version', async (t) => {
  const dir = tempDir(t);
  const rules = (...args: string[]) => runFraud(['rules', ...args, '--data-dir', join(dir, 'data'), '--log-level', 'warn']);
  const v1 = join(dir, 'v1.yaml');
  const v1b = join(dir, 'v1-edited.yaml');
  writeFileSync(v1, aRulesetText({ version: 'v1', rules: [{ id: 'velocity', when: 'f.source.count_1m >= 6', score: 80 }] }));
  writeFileSync(v1b, aRulesetText({ version: 'v1', review: 45, rules: [{ id: 'velocity', when: 'f.source.count_1m >= 5', score: 80 }] }));

  const noNote = await rules('publish', v1);
  assert.equal(noNote.code, 2, noNote.stderr);
  assert.match(noNote.stderr, /--note: is required/);

  const first = await rules('publish', v1, '--note', 'first version', '--author', 'ana');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /published ruleset v1 \(1 rule\(s\)\) on queuing\.rules as "default", by ana; recorded in queuing\.rules-audit/);
  const second = await rules('publish', v1b, '--note', 'velocity limit 4');
  assert.equal(second.code, 0, second.stderr);
  const renamed = /this one is (v1\+[0-9a-f]{8})/.exec(second.stdout)?.[1];
  assert.ok(renamed, second.stdout);

  const diff = await rules('diff', 'v1', 'current');
  assert.equal(diff.code, 0, diff.stderr);
  assert.equal(diff.stdout, [`ruleset v1 -> ${renamed}`, 'thresholds', '  review: 50 -> 45', 'rules', '  ~ velocity', '    when: "f.source.count_1m >= 6" -> "f.source.count_1m >= 5"', ''].join('\n'));
  const rollback = await rules('rollback', 'v1', '--note', 'too many alerts', '--author', 'carla');
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, new RegExp(`rolled back to ruleset v1 .* in place of ${renamed.replace('+', '\\+')}, by carla`));

  const history = JSON.parse((await rules('history', '--json')).stdout) as HistoryJson;
  assert.deepEqual(history.entries.map((entry) => [entry.version, entry.action, entry.author, entry.note, entry.previous]), [
    ['v1', 'rollback', 'carla', 'too many alerts', renamed],
    [renamed, 'publish', userInfo().username, 'velocity limit 4', 'v1'],
    ['v1', 'publish', 'ana', 'first version', null],
  ]);
  assert.equal(history.current?.id, history.entries[0]?.id);
  const unknown = await rules('diff', 'v1', 'no-such-version');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /FRAUD_RULES_VERSION_UNKNOWN/);
});
