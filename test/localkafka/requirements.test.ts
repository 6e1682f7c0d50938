import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isFraudError } from '../../src/errors.ts';
import { findToolchain, parseJavaMajor } from '../../src/localkafka/requirements.ts';

async function emptyDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fraud-req-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A stand-in `java` that reports the given version the way the JDK does, on stderr. */
async function fakeJava(dir: string, version: string): Promise<void> {
  const file = join(dir, 'java');
  await writeFile(file, `#!/bin/sh\necho 'openjdk version "${version}" 2024-01-01' >&2\n`);
  await chmod(file, 0o755);
}

test('no java and no mvn on PATH: FRAUD_KAFKA_SETUP saying what to install', async (t) => {
  const env = { PATH: await emptyDir(t) };
  await assert.rejects(findToolchain({ env, needMaven: true }), (error) => {
    assert.ok(isFraudError(error, 'FRAUD_KAFKA_SETUP'));
    const problems = error.problems.join('\n');
    assert.match(problems, /java not found/);
    assert.match(problems, /mvn not found/);
    assert.match(problems, /apt-get install openjdk-17-jre-headless maven/);
    return true;
  });
});

test('mvn is not asked for when the jars are already cached', async (t) => {
  const dir = await emptyDir(t);
  await fakeJava(dir, '17.0.15');
  const toolchain = await findToolchain({ env: { PATH: dir }, needMaven: false });
  assert.equal(toolchain.java, join(dir, 'java'));
  assert.equal(toolchain.javaMajor, 17);
  assert.equal(toolchain.mvn, undefined);
});

test('a java older than 17 is refused with its version and the install hint', async (t) => {
  const dir = await emptyDir(t);
  await fakeJava(dir, '11.0.22');
  await assert.rejects(
    findToolchain({ env: { PATH: dir }, needMaven: false }),
    (error) => isFraudError(error, 'FRAUD_KAFKA_SETUP') && /Java 11.*openjdk-17-jre-headless/.test(error.problems.join('\n')),
  );
});

test('JAVA_HOME wins over PATH, as in Kafka’s own scripts', async (t) => {
  const home = await emptyDir(t);
  const onPath = await emptyDir(t);
  await mkdir(join(home, 'bin'));
  await fakeJava(join(home, 'bin'), '21.0.1');
  await fakeJava(onPath, '11.0.22');
  const toolchain = await findToolchain({ env: { PATH: onPath, JAVA_HOME: home }, needMaven: false });
  assert.equal(toolchain.javaMajor, 21);
});

test('java version strings of both numbering schemes', () => {
  assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
  assert.equal(parseJavaMajor('java version "1.8.0_402"'), 8);
  assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
  assert.equal(parseJavaMajor('no version here'), 0);
});
