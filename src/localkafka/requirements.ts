import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { FraudError } from '../errors.ts';
import { runProcess } from './exec.ts';

/** Kafka 4 brokers and tools are compiled for Java 17. */
export const MIN_JAVA_MAJOR = 17;

const JAVA_HINT = 'install a Java 17+ runtime, e.g. `apt-get install openjdk-17-jre-headless`';
const MAVEN_HINT = 'install Maven, e.g. `apt-get install maven` (it fetches the Kafka jars once)';

export interface Toolchain {
  java: string;
  javaMajor: number;
  /** Only looked for when the jars still have to be fetched. */
  mvn?: string;
}

export interface ToolchainRequest {
  env: NodeJS.ProcessEnv;
  needMaven: boolean;
}

/**
 * Finds java >= 17 (JAVA_HOME first, as Kafka's own scripts do, then PATH) and, when
 * asked, mvn. Reports every missing piece at once with the command that installs it.
 */
export async function findToolchain(request: ToolchainRequest): Promise<Toolchain> {
  const problems: string[] = [];
  const java = await findJava(request.env);
  let javaMajor = 0;
  if (java === undefined) {
    problems.push(`java not found on PATH or in JAVA_HOME: ${JAVA_HINT}`);
  } else {
    javaMajor = await javaMajorVersion(java, request.env);
    if (javaMajor < MIN_JAVA_MAJOR) {
      const found = javaMajor === 0 ? 'an unreadable version' : `Java ${javaMajor}`;
      problems.push(`${java} is ${found}, Kafka 4 needs Java ${MIN_JAVA_MAJOR}+: ${JAVA_HINT}, then put it first on PATH or set JAVA_HOME`);
    }
  }
  const mvn = request.needMaven ? await findExecutable('mvn', request.env) : undefined;
  if (request.needMaven && mvn === undefined) problems.push(`mvn not found on PATH: ${MAVEN_HINT}`);
  if (problems.length > 0 || java === undefined) {
    if (problems.length > 1) problems.push('on Debian or Ubuntu, both at once: `apt-get install openjdk-17-jre-headless maven`');
    throw new FraudError('FRAUD_KAFKA_SETUP', 'the local Kafka broker needs Java 17+ and Maven', { problems });
  }
  return mvn === undefined ? { java, javaMajor } : { java, javaMajor, mvn };
}

async function findJava(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.JAVA_HOME) {
    const candidate = join(env.JAVA_HOME, 'bin', 'java');
    if (await isExecutableFile(candidate)) return candidate;
  }
  return findExecutable('java', env);
}

/** Looks a program up on the PATH given, not ours, so callers (and tests) choose what is visible. */
export async function findExecutable(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** 0 when the version cannot be read, so the caller reports it instead of guessing. */
export async function javaMajorVersion(java: string, env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const result = await runProcess(java, ['-version'], { env, timeoutMs: 30_000 });
    return parseJavaMajor(`${result.stderr}\n${result.stdout}`);
  } catch {
    return 0;
  }
}

/** `openjdk version "17.0.15"` → 17; the old scheme `"1.8.0_402"` → 8. */
export function parseJavaMajor(versionOutput: string): number {
  const match = /version "([0-9]+)(?:\.([0-9]+))?/.exec(versionOutput);
  if (!match) return 0;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2] ?? 0) : first;
}
