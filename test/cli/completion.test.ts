import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

/** The script `fraud completion SHELL` prints, in a file of the test's own. */
async function script(t: TestContext, shell: 'bash' | 'zsh'): Promise<string> {
  const result = await runFraud(['completion', shell]);
  assert.equal(result.code, 0, result.stderr);
  const file = join(tempDir(t), `fraud.${shell}`);
  writeFileSync(file, result.stdout);
  return file;
}

function hasShell(name: string): boolean {
  return spawnSync(name, ['-c', 'exit 0']).status === 0;
}

/** What bash offers for the last word of `line` (a trailing space starts a new, empty word). */
function bashComplete(file: string, line: string): string[] {
  const program = `source "$1"; read -ra COMP_WORDS <<< "$2"; [[ $2 == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _fraud; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program, 'bash', file, line], { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..') });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter((word) => word !== '');
}

test('bash completes commands, subcommands, options and their choices', async (t) => {
  const file = await script(t, 'bash');
  assert.deepEqual(bashComplete(file, 'fraud con'), ['consume']);
  assert.ok(bashComplete(file, 'fraud ').includes('completion'));
  assert.deepEqual(bashComplete(file, 'fraud kafka st'), ['start', 'stop', 'status']);
  assert.deepEqual(bashComplete(file, 'fraud consume --from-b'), ['--from-beginning']);
  assert.deepEqual(bashComplete(file, 'fraud detect --log-level w'), ['warn']);
  assert.deepEqual(bashComplete(file, 'fraud completion '), ['bash', 'zsh'], "an argument's choices");
  assert.ok(bashComplete(file, 'fraud kafka start --').includes('--kafka-dir'), "a subcommand's own options");
  assert.ok(bashComplete(file, 'fraud rules check rules/def').includes('rules/default.yaml'), 'a file argument completes files');
});

test('zsh: the script defines the completion, and offers what bash offers', async (t) => {
  if (!hasShell('zsh')) {
    assert.notEqual(process.env.CI, 'true', 'CI installs zsh (.ci/run)');
    t.skip('zsh is not installed');
    return;
  }
  const file = await script(t, 'zsh');
  assert.equal(spawnSync('zsh', ['-n', file]).status, 0, 'valid zsh');
  // zsh's completion system is interactive; its two entry points are replaced by functions that
  // print what they were given, so the test sees what the script hands them.
  const program = `
    compdef() { print "compdef $*" }
    _describe() { print -l -- "\${(@P)\${@[-1]}}" }
    _arguments() { print -l -- "$@" }
    source "$1"
    words=(\${=2}); CURRENT=\${#words}; (( $3 )) && { words+=(""); CURRENT=\${#words} }
    _fraud`;
  const complete = (line: string, newWord = true): string[] => {
    const result = spawnSync('zsh', ['-fc', program, 'zsh', file, line, newWord ? '1' : '0'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.split('\n').filter((word) => word !== '');
  };
  assert.ok(complete('fraud').includes('compdef _fraud fraud'));
  assert.ok(complete('fraud').some((line) => line.startsWith('consume:print a topic')), 'commands with their descriptions');
  assert.deepEqual(complete('fraud kafka').filter((line) => !line.startsWith('compdef')).map((line) => line.split(':')[0]), ['start', 'stop', 'status']);
  const consume = complete('fraud consume');
  assert.ok(consume.some((spec) => spec.startsWith('--from-beginning[')), 'options of the command');
  assert.ok(consume.some((spec) => spec.startsWith('--log-level[') && spec.endsWith(':value:(fatal error warn info debug trace silent)')), 'choices');
  assert.ok(complete('fraud completion').includes('1:value:(bash zsh)'), "an argument's choices");
  assert.ok(complete('fraud rules check').includes('*:file:_files'), 'a file argument');
});

test('fraud completion refuses a shell it does not know', async () => {
  const result = await runFraud(['completion', 'fish']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /bash, zsh/);
});
