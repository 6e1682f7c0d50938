import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FraudError } from '../errors.ts';
import { lastLines, runProcess } from './exec.ts';
import type { JarCacheLayout } from './paths.ts';

/** A cold fetch of ~90 jars takes seconds on a good link; this only guards against a hung mvn. */
const MVN_TIMEOUT_MS = 10 * 60_000;

export interface EnsureJarsRequest {
  cache: JarCacheLayout;
  version: string;
  pomFile: string;
  /** Needed only when the jars are missing; jarsPresent() tells the caller whether to look for it. */
  mvn: string | undefined;
  env: NodeJS.ProcessEnv;
  onProgress: (message: string) => void;
}

export interface JarsResult {
  libsDir: string;
  fetchedNow: boolean;
  elapsedMs: number;
}

export function jarsPresent(cache: JarCacheLayout): boolean {
  return existsSync(cache.markerFile) && existsSync(cache.libsDir);
}

/**
 * Copies the broker's jars into the cache once per version. mvn writes into a private
 * temporary dir that is renamed into place, and the marker is written last, so a
 * download interrupted at any point is redone rather than half-used.
 */
export async function ensureJars(request: EnsureJarsRequest): Promise<JarsResult> {
  const { cache, version } = request;
  if (jarsPresent(cache)) return { libsDir: cache.libsDir, fetchedNow: false, elapsedMs: 0 };
  if (request.mvn === undefined) {
    throw new FraudError('FRAUD_KAFKA_SETUP', `the Kafka ${version} jars are not cached and mvn was not given`);
  }
  const started = Date.now();
  request.onProgress(`fetching the Kafka ${version} jars with Maven into ${cache.libsDir} (once per version)`);
  await mkdir(cache.versionDir, { recursive: true });
  const partial = join(cache.versionDir, `libs.partial-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  try {
    await copyDependencies(request.mvn, request, partial);
    await checkBrokerJar(partial, version);
    await rm(cache.libsDir, { recursive: true, force: true });
    await rename(partial, cache.libsDir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  const jars = (await readdir(cache.libsDir)).filter((name) => name.endsWith('.jar'));
  await writeFile(cache.markerFile, `${JSON.stringify({ version, jars: jars.length, fetchedAt: new Date().toISOString() })}\n`);
  return { libsDir: cache.libsDir, fetchedNow: true, elapsedMs: Date.now() - started };
}

async function copyDependencies(mvn: string, request: EnsureJarsRequest, outputDir: string): Promise<void> {
  const args = [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    request.pomFile,
    'dependency:copy-dependencies',
    `-Dkafka.version=${request.version}`,
    `-DoutputDirectory=${outputDir}`,
  ];
  const result = await runMaven(mvn, args, request.env);
  if (result.code === 0 && !result.timedOut) return;
  const reason = result.timedOut ? `timed out after ${MVN_TIMEOUT_MS / 1000} s` : `exited with code ${String(result.code)}`;
  throw new FraudError('FRAUD_KAFKA_SETUP', `fetching the Kafka ${request.version} jars failed: mvn ${reason}`, {
    canRetry: true,
    problems: [
      `check that Maven can reach its default repository and that Kafka ${request.version} exists there`,
      `command: ${mvn} ${args.join(' ')}`,
      ...mavenErrorLines(`${result.stdout}\n${result.stderr}`),
    ],
  });
}

/** ANSI colour codes; built from the char code, as a literal ESC in a regex reads as a typo to linters. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Maven's own advice lines ("re-run with -e", links) say nothing about what failed. */
const MAVEN_BOILERPLATE = /^\[ERROR\]\s*$|re-run Maven|full stack trace|For more information about the errors|\[Help 1\] http/i;

function mavenErrorLines(output: string): string[] {
  // Maven 3.8 colours its output even in batch mode; escape codes would garble the error.
  const plain = output.replace(ANSI_COLOUR, '');
  return lastLines(plain, 40)
    .filter((line) => !MAVEN_BOILERPLATE.test(line))
    .slice(-10);
}

async function runMaven(mvn: string, args: string[], env: NodeJS.ProcessEnv): ReturnType<typeof runProcess> {
  try {
    return await runProcess(mvn, args, { env, timeoutMs: MVN_TIMEOUT_MS });
  } catch (cause) {
    throw new FraudError('FRAUD_KAFKA_SETUP', `cannot run ${mvn}`, { cause });
  }
}

/** mvn can "succeed" with a pom that resolves nothing useful; the broker jar proves the copy. */
async function checkBrokerJar(dir: string, version: string): Promise<void> {
  const expected = `kafka_2.13-${version}.jar`;
  const names = existsSync(dir) ? await readdir(dir) : [];
  if (!names.includes(expected)) {
    throw new FraudError('FRAUD_KAFKA_SETUP', `mvn finished but ${expected} is missing from ${dir}`);
  }
}
