import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sourceState, STAMP_FILE, staleReason } from '../../bin/checkout.js';
import { COMMANDS, loadAllCommands } from '../../src/cli/main.ts';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

test("the table of commands gives each command's own name and description, so --help shows what the command says", async () => {
  const loaded = await loadAllCommands();
  assert.equal(new Set(COMMANDS.map((entry) => entry.name)).size, COMMANDS.length, 'no name twice');
  for (const [i, entry] of COMMANDS.entries()) {
    const command = loaded[i];
    assert.ok(command);
    assert.equal(command.name(), entry.name);
    assert.equal(command.description(), entry.summary, `the summary of "${entry.name}" in src/cli/main.ts`);
    if (entry.args === '<command>') assert.ok(command.commands.length > 0, `${entry.name} has subcommands`);
  }
});

test('fraud --help lists every command, fraud --version prints the package version', async () => {
  const help = await runFraud(['--help']);
  assert.equal(help.code, 0);
  for (const entry of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${entry.name} `, 'm'), entry.name);
  const version = await runFraud(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), pkg.version);
});

test('help of a command shows its own options, as `fraud X --help` and `fraud help X`', async () => {
  for (const args of [['consume', '--help'], ['help', 'consume']]) {
    const result = await runFraud(args);
    assert.equal(result.code, 0, args.join(' '));
    assert.match(result.stdout, /--from-beginning/, args.join(' '));
  }
});

/** Static imports of one built module ("./x.js", "zod"), dynamic ones apart. */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const text = readFileSync(file, 'utf8');
  const statics = [...text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"/gm)].map((match) => match[1] ?? match[2] ?? '');
  const dynamics = [...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((match) => match[1] ?? '');
  return { static: statics, dynamic: dynamics };
}

/** Every module a built module loads before it runs: its static imports, transitively. */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of importsOf(file).static) {
      if (specifier.startsWith('.')) visit(join(file, '..', specifier));
      else packages.add(packageName(specifier));
    }
  };
  visit(join(DIST, entry));
  return { files, packages };
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const builtin = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name);

test('fraud --help loads no command: main.js imports only commander and its own small helpers', () => {
  const { files, packages } = staticClosure('cli/main.js');
  assert.deepEqual([...packages].filter((name) => !builtin(name)), ['commander']);
  const ours = [...files].map((file) => file.slice(DIST.length + 1)).filter((file) => !file.startsWith('vendor/'));
  assert.deepEqual(ours.sort(), ['cli/exit.js', 'cli/main.js', 'cli/version.js', 'errors.js']);
  // The build's shared helpers chunk may come along (a few lines); no bundled package (zod) does.
  for (const file of [...files].filter((name) => name.includes('/vendor/'))) assert.ok(statSync(file).size < 2048, `${file} is loaded by --help`);
  const commandFiles = importsOf(join(DIST, 'cli/main.js')).dynamic;
  assert.equal(commandFiles.length, COMMANDS.length, 'each command is a dynamic import');
});

test('fraud consume loads neither the Kafka client nor the web server nor the detector', () => {
  const { files, packages } = staticClosure('cli/consume.js');
  for (const heavy of ['@platformatic/kafka', 'fastify', '@marcbachmann/cel-js', 'yaml', 'pino-pretty']) assert.ok(!packages.has(heavy), heavy);
  for (const file of files) assert.doesNotMatch(file, /\/(dashboard|detector|generator|localkafka|log\/kafka)\//);
});

test('what users install is enough: dist/ imports only dependencies, never a dev dependency', () => {
  const runtime = new Set(Object.keys(pkg.dependencies));
  const dev = new Set(Object.keys(pkg.devDependencies));
  // Dev tools loaded on demand, for developers only: the page bundler (when run from the
  // sources) and the browser of the dashboard's load probe (bench stage g).
  const onDemandDevTools = new Set(['esbuild', 'playwright-core']);
  const files = builtModules();
  assert.ok(files.length > 100, 'dist/ is built');
  for (const file of files) {
    const imports = importsOf(file);
    for (const name of imports.static.filter((specifier) => !specifier.startsWith('.')).map(packageName)) {
      if (builtin(name)) continue;
      assert.ok(runtime.has(name), `${file.slice(DIST.length + 1)} imports ${name}, which is not in dependencies`);
    }
    for (const name of imports.dynamic.filter((specifier) => !specifier.startsWith('.')).map(packageName)) {
      if (builtin(name) || runtime.has(name)) continue;
      assert.ok(dev.has(name) && onDemandDevTools.has(name), `${file.slice(DIST.length + 1)} loads ${name} on demand`);
    }
  }
});

/** Every built module of ours (the page's bundle apart: it runs in the browser). */
function builtModules(): string[] {
  return (readdirSync(DIST, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.js') && !name.startsWith('web'))
    .map((name) => join(DIST, name));
}

test('a checkout knows when dist/ is older than src/: an edit, an added file, or no build at all', (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli', 'a.ts'), 'export {};\n');
  assert.match(staleReason(root) ?? '', /not been built/);
  mkdirSync(join(root, 'dist'));
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(root, 'src', 'cli', 'a.ts'), past, past);
  writeFileSync(join(root, 'dist', STAMP_FILE), JSON.stringify(sourceState(join(root, 'src'))));
  assert.equal(staleReason(root), undefined, 'fresh right after a build');
  writeFileSync(join(root, 'src', 'cli', 'a.ts'), 'export const edited = 1;\n');
  assert.match(staleReason(root) ?? '', /changed since the last build/);
  writeFileSync(join(root, 'dist', STAMP_FILE), JSON.stringify(sourceState(join(root, 'src'))));
  writeFileSync(join(root, 'src', 'b.ts'), 'export {};\n');
  utimesSync(join(root, 'src', 'b.ts'), past, past);
  assert.match(staleReason(root) ?? '', /2 files, the build had 1/, 'a file added with an old date counts too');
});

test('an installed package (no src/ beside dist/) is never rebuilt', (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, 'dist'));
  assert.equal(staleReason(root), undefined);
});
