import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isFraudError } from '../../src/errors.ts';
import { ensureJars, jarsPresent } from '../../src/localkafka/jars.ts';
import { jarCacheLayout, POM_FILE } from '../../src/localkafka/paths.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fraud-jars-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A stand-in `mvn`: copy-dependencies reduced to writing the broker jar into
 * -DoutputDirectory, or failing like a resolution error when FAIL is set.
 */
async function fakeMaven(dir: string): Promise<string> {
  const file = join(dir, 'mvn');
  const script = [
    '#!/bin/sh',
    'for arg in "$@"; do case "$arg" in -DoutputDirectory=*) out="${arg#-DoutputDirectory=}";; -Dkafka.version=*) v="${arg#-Dkafka.version=}";; esac; done',
    'if [ -n "$FAIL" ]; then echo "[ERROR] Could not resolve dependencies for kafka $v"; exit 1; fi',
    'mkdir -p "$out" && touch "$out/kafka_2.13-$v.jar" "$out/kafka-clients-$v.jar"',
  ].join('\n');
  await writeFile(file, `${script}\n`);
  await chmod(file, 0o755);
  return file;
}

const quiet = (): void => undefined;

test('the cache follows FRAUD_KAFKA_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
  assert.equal(jarCacheLayout('4.4.0', { FRAUD_KAFKA_CACHE: '/c' }).libsDir, '/c/kafka-4.4.0/libs');
  assert.equal(jarCacheLayout('4.4.0', { XDG_CACHE_HOME: '/x', HOME: '/h' }).libsDir, '/x/fraud-detector/kafka-4.4.0/libs');
  assert.equal(jarCacheLayout('4.4.0', { XDG_CACHE_HOME: 'relative', HOME: '/h' }).libsDir, '/h/.cache/fraud-detector/kafka-4.4.0/libs');
  assert.equal(jarCacheLayout('4.4.0', { HOME: '/h' }).classpath, '/h/.cache/fraud-detector/kafka-4.4.0/libs/*');
});

test('the pom that lists the jars ships with the checkout', () => {
  assert.ok(existsSync(POM_FILE), POM_FILE);
});

test('a first fetch runs mvn once, moves the jars into place and writes the marker last', async (t) => {
  const dir = await tempDir(t);
  const env = { PATH: process.env.PATH ?? '' };
  const cache = jarCacheLayout('4.4.0', { FRAUD_KAFKA_CACHE: join(dir, 'cache') });
  const request = { cache, version: '4.4.0', pomFile: POM_FILE, mvn: await fakeMaven(dir), env, onProgress: quiet };
  const first = await ensureJars(request);
  assert.equal(first.fetchedNow, true);
  assert.ok(jarsPresent(cache));
  assert.deepEqual((await readdir(cache.libsDir)).sort(), ['kafka-clients-4.4.0.jar', 'kafka_2.13-4.4.0.jar']);
  assert.deepEqual((await readdir(cache.versionDir)).sort(), ['complete.json', 'libs'], 'no partial dir left behind');
  const second = await ensureJars({ ...request, mvn: undefined });
  assert.equal(second.fetchedNow, false, 'cached: mvn is not needed again');
});

test('jars without the marker (an interrupted fetch) are fetched again', async (t) => {
  const dir = await tempDir(t);
  const cache = jarCacheLayout('4.4.0', { FRAUD_KAFKA_CACHE: join(dir, 'cache') });
  await mkdir(cache.libsDir, { recursive: true });
  await writeFile(join(cache.libsDir, 'half-written.jar'), '');
  assert.equal(jarsPresent(cache), false);
  const env = { PATH: process.env.PATH ?? '' };
  const result = await ensureJars({ cache, version: '4.4.0', pomFile: POM_FILE, mvn: await fakeMaven(dir), env, onProgress: quiet });
  assert.equal(result.fetchedNow, true);
  assert.ok(!(await readdir(cache.libsDir)).includes('half-written.jar'));
});

test('a failing mvn is FRAUD_KAFKA_SETUP with its output, and leaves no marker', async (t) => {
  const dir = await tempDir(t);
  const cache = jarCacheLayout('4.9.9', { FRAUD_KAFKA_CACHE: join(dir, 'cache') });
  const env = { PATH: process.env.PATH ?? '', FAIL: '1' };
  await assert.rejects(
    ensureJars({ cache, version: '4.9.9', pomFile: POM_FILE, mvn: await fakeMaven(dir), env, onProgress: quiet }),
    (error) => isFraudError(error, 'FRAUD_KAFKA_SETUP') && error.canRetry && /Could not resolve/.test(error.problems.join('\n')),
  );
  assert.equal(jarsPresent(cache), false);
  assert.deepEqual(await readdir(cache.versionDir), [], 'the partial download is removed');
});
