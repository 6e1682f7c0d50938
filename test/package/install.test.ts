import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const nodeMajor = Number(process.versions.node.split('.')[0]);

/** npm and npx on the Node that runs this test (their `#!/usr/bin/env node` finds it first). */
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, npm_config_audit: 'false', npm_config_fund: 'false' };

function npm(args: string[], cwd: string): { stdout: string; stderr: string } {
  const result = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  assert.equal(result.status, 0, `npm ${args.join(' ')}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

interface Packed {
  filename: string;
  files: Array<{ path: string }>;
}

/** `npm pack` of this checkout (dist/ is fresh: the test runner builds before the tests). */
function pack(t: TestContext): { tarball: string; files: string[] } {
  const dir = tempDir(t);
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT).stdout) as Packed[];
  assert.ok(packed);
  return { tarball: join(dir, packed.filename), files: packed.files.map((file) => file.path) };
}

test('npm pack ships what users run and nothing of the development', (t) => {
  const { files } = pack(t);
  for (const needed of ['package.json', 'README.md', 'CHANGELOG.md', 'bin/fraud.js', 'bin/checkout.js', 'dist/cli/main.js', 'dist/util/sqlite.js', 'dist/web/app.js', 'dist/web/index.html', 'dist/web/styles.css', 'rules/default.yaml', 'rules/seed.yaml', 'scripts/kafka/pom.xml']) {
    assert.ok(files.includes(needed), `${needed} is in the package`);
  }
  const stray = files.filter((file) => /^(src|test|\.ci|bench|node_modules)\//.test(file) || file === 'scripts/build.ts' || file === 'scripts/run-tests.ts' || file.endsWith('.ts'));
  assert.deepEqual(stray, []);
});

test('the packed tarball installs in an empty folder, and `npx fraud run` works there', { timeout: 420_000 }, async (t) => {
  const { tarball } = pack(t);
  const app = join(tempDir(t), 'app');
  mkdirSync(app);
  const installed = npm(['install', '--prefer-offline', '--no-package-lock', tarball], app);
  if (nodeMajor >= 24) assert.doesNotMatch(installed.stderr, /EBADENGINE/, 'no engine warning on the current LTS lines');
  const version = spawnSync('npx', ['--no-install', 'fraud', '--version'], { cwd: app, env, encoding: 'utf8' });
  assert.equal(version.stdout.trim(), pkg.version, version.stderr);

  // Its own process group: npx runs fraud as a child, and both must go when the test ends.
  const run = spawn('npx', ['--no-install', 'fraud', 'run', '--port', '0', '--rate', '40', '--seed', '5', '--log-level', 'warn'], {
    cwd: app,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => run.on('exit', (code, signal) => resolve({ code, signal })));
  const signalAll = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(run.pid ?? 0), signal);
    } catch {
      // already gone
    }
  };
  t.after(() => signalAll('SIGKILL'));
  let url = '';
  assert.ok(await eventually(async () => (url = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1] ?? '') !== '', 60_000), `printed its URL: ${output}`);
  assert.match(await (await fetch(url)).text(), /Fraud Detector/, 'the page, from the built bundle');
  assert.equal((await fetch(`${url}app.js`)).status, 200);
  let stats = { transactions: 0, legit: 0, review: 0, fraud: 0 };
  const decided = await eventually(async () => {
    stats = (await (await fetch(`${url}api/stats`)).json()) as typeof stats;
    return stats.legit > 0 && stats.review + stats.fraud > 0;
  }, 90_000, 500);
  assert.ok(decided, `the shipped ruleset decides, legit and flagged: ${JSON.stringify(stats)}`);
  signalAll('SIGINT'); // as Ctrl-C does: to npx and fraud alike
  const { code, signal } = await exited;
  // npx itself may end by the signal; fraud finishes its work and exits 0 (test/cli/run.test.ts).
  assert.ok(code === 0 || signal === 'SIGINT', `ended by Ctrl-C: code ${String(code)}, signal ${String(signal)}`);
  assert.doesNotMatch(output, /error/i, 'nothing went wrong on the way');
});
