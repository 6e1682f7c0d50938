import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { exitCodeFor, formatError } from '../../src/cli/exit.ts';
import { rulesCommand } from '../../src/cli/rules.ts';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';
import { aRulesetText } from '../registry/fixtures.ts';

interface HistoryJson {
  current: { version: string; id: string | null } | null;
  entries: Array<{ id: string; version: string; action: string; author: string; note: string; previous: string | null }>;
}

/**
 * `fraud rules …` run in this process, as main() runs it (exit code from the error's
 * code), so that a round trip costs no process starts; one test below runs the binary.
 */
async function rules(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  const program = new Command('fraud').exitOverride().addCommand(rulesCommand((text) => (stdout += text)));
  try {
    await program.parseAsync(['rules', ...args, '--data-dir', dataDir, '--log-level', 'warn'], { from: 'user' });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    return { code: exitCodeFor(error), stdout, stderr: formatError(error) };
  }
}

test('the fraud binary refuses to publish without a note: exit code 2, the problem named, nothing published', { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'v1.yaml');
  writeFileSync(file, aRulesetText({ version: 'v1' }));
  // A generous limit: one process start is a second or two, far more on a loaded machine.
  const result = await runFraud(['rules', 'publish', file, '--data-dir', join(dir, 'data'), '--log-level', 'warn'], { timeoutMs: 150_000 });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /FRAUD_CONFIG_INVALID[\s\S]*--note: is required: say why this version goes live/);
  assert.deepEqual(JSON.parse((await rules(join(dir, 'data'), 'history', '--json')).stdout), { current: null, entries: [] });
});

test('fraud rules publish, diff, rollback, history and show on the embedded log; exit code 2 for an unknown version', async (t) => {
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  const v1 = join(dir, 'v1.yaml');
  const v1b = join(dir, 'v1-edited.yaml');
  writeFileSync(v1, aRulesetText({ version: 'v1', rules: [{ id: 'velocity', when: 'f.source.count_1m >= 6', score: 80 }] }));
  writeFileSync(v1b, aRulesetText({ version: 'v1', review: 45, rules: [{ id: 'velocity', when: 'f.source.count_1m >= 5', score: 80 }] }));

  const first = await rules(dataDir, 'publish', v1, '--note', 'first version', '--author', 'ana');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, 'published ruleset v1 (1 rule(s)) on queuing.rules as "default", by ana; recorded in queuing.rules-audit\n');
  const second = await rules(dataDir, 'publish', v1b, '--note', 'velocity limit 4');
  assert.equal(second.code, 0, second.stderr);
  const renamed = /this one is (v1\+[0-9a-f]{8})/.exec(second.stdout)?.[1];
  assert.ok(renamed, second.stdout);
  assert.match(second.stdout, new RegExp(`in place of v1, by ${userInfo().username};`), 'the OS user without --author');
  assert.match((await rules(dataDir, 'publish', v1b, '--note', 'again')).stdout, /already in force with this content: nothing published/);

  const diff = await rules(dataDir, 'diff', 'v1', 'current');
  assert.equal(diff.code, 0, diff.stderr);
  assert.equal(diff.stdout, [`ruleset v1 -> ${renamed}`, 'thresholds', '  review: 50 -> 45', 'rules', '  ~ velocity', '    when: "f.source.count_1m >= 6" -> "f.source.count_1m >= 5"', ''].join('\n'));
  const fileDiff = await rules(dataDir, 'diff', v1, 'v1', '--json');
  assert.equal((JSON.parse(fileDiff.stdout) as { same: boolean }).same, true, 'a file is a side too');

  const rollback = await rules(dataDir, 'rollback', 'v1', '--note', 'too many alerts', '--author', 'carla');
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, new RegExp(`^rolled back to ruleset v1 .* in place of ${renamed.replace('+', '\\+')}, by carla;`));

  const history = JSON.parse((await rules(dataDir, 'history', '--json')).stdout) as HistoryJson;
  assert.deepEqual(history.entries.map((entry) => [entry.version, entry.action, entry.author, entry.note, entry.previous]), [
    ['v1', 'rollback', 'carla', 'too many alerts', renamed],
    [renamed, 'publish', userInfo().username, 'velocity limit 4', 'v1'],
    ['v1', 'publish', 'ana', 'first version', null],
  ]);
  assert.equal(history.current?.id, history.entries[0]?.id);
  assert.match((await rules(dataDir, 'history')).stdout, /^\*\s+v1\s+rollback \(from v1\+[0-9a-f]{8}\)\s+carla\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+too many alerts$/m);
  assert.equal((await rules(dataDir, 'show', renamed)).stdout, aRulesetText({ version: 'v1', review: 45, rules: [{ id: 'velocity', when: 'f.source.count_1m >= 5', score: 80 }] }));

  const unknown = await rules(dataDir, 'diff', 'v1', 'no-such-version');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /FRAUD_RULES_VERSION_UNKNOWN/);
  const noNote = await rules(dataDir, 'rollback', renamed, '--note', ' ');
  assert.deepEqual([noNote.code, /--note: is required/.test(noNote.stderr)], [2, true]);
});
