import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { useColor } from '../../src/observability/color.ts';

test('colour for a terminal only, never with NO_COLOR, and without a terminal when FORCE_COLOR asks', () => {
  assert.equal(useColor({ isTTY: true }, {}), true);
  assert.equal(useColor({ isTTY: false }, {}), false);
  assert.equal(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(useColor({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR is unset (no-color.org)');
  assert.equal(useColor({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  assert.equal(useColor({ isTTY: false }, { FORCE_COLOR: '0' }), false);
  assert.equal(useColor({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: '1' }), false, 'NO_COLOR wins');
});

/** A readable log line, as a person at a terminal gets it, written by a process of its own. */
function prettyLine(env: NodeJS.ProcessEnv): string {
  const program = `import { createLogger } from './src/observability/logger.ts'; createLogger('info', { pretty: true }).info('hello');`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
    cwd: new URL('../../', import.meta.url),
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /hello/);
  return result.stderr;
}

test('the readable log has colours unless NO_COLOR is set', () => {
  const escape = '\u001b[';
  assert.ok(prettyLine({ FORCE_COLOR: '1' }).includes(escape), 'coloured when asked');
  assert.ok(!prettyLine({ FORCE_COLOR: '1', NO_COLOR: '1' }).includes(escape));
});
