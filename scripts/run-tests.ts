/**
 * `npm test`: every test, one command. Starts the local Kafka broker (on its own port and
 * folder, so a developer's broker on 9092 is left alone) when Java is there, runs the
 * node:test files, and stops the broker it started. In CI (CI=true) a broker that cannot
 * start fails the run: no Kafka test may skip there. Elsewhere the Kafka tests skip and
 * say why.
 *
 * The CLI tests run `bin/fraud.js`, which runs the compiled dist/, as users do: the runner
 * builds first when src/ changed since the last build (a second or two; nothing when fresh).
 * Then the files under test/cluster/, one at a time and without the single broker: they
 * start a 3-broker cluster (or a secured broker) of their own, four JVMs and a handful of
 * processes that would starve, and be starved by, tests running beside them.
 *
 * Usage: npm test [-- test/some/file.test.ts ...]
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ensureFreshBuild } from '../bin/checkout.js';
import { startLocalKafka, stopLocalKafka } from '../src/localkafka/index.ts';

const root = new URL('..', import.meta.url).pathname;
// FRAUD_TEST_KAFKA_PORT moves the private broker (and its controller, port + 1), so several
// checkouts on one machine can each run their tests.
// FRAUD_TEST_KAFKA_DIR moves its folder, so that CI can run one suite per Node version at once.
const TEST_KAFKA = {
  kafkaDir: process.env.FRAUD_TEST_KAFKA_DIR ?? join(root, '.kafka', 'test'),
  port: Number(process.env.FRAUD_TEST_KAFKA_PORT ?? 19092),
  heap: '768m',
} as const;
const inCi = process.env.CI === 'true';

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

async function kafkaForTests(): Promise<{ env: NodeJS.ProcessEnv; stop?: () => Promise<void> }> {
  if (process.env.FRAUD_TEST_KAFKA) return { env: {} };
  if (process.env.FRAUD_TEST_NO_KAFKA === '1' && !inCi) {
    return { env: { FRAUD_TEST_KAFKA_SKIP_REASON: 'FRAUD_TEST_NO_KAFKA=1 was set' } };
  }
  try {
    const started = await startLocalKafka({ ...TEST_KAFKA, onProgress: (message) => console.error(`kafka: ${message}`) });
    console.error(`kafka: ${started.startedNow ? 'started' : 'reusing'} Kafka ${started.version} at ${started.brokers} for the tests`);
    const stop = started.startedNow ? async () => void (await stopLocalKafka(TEST_KAFKA)) : undefined;
    return { env: { FRAUD_TEST_KAFKA: started.brokers }, stop };
  } catch (error) {
    const reason = error instanceof Error ? `${error.message}${'problems' in error ? ` (${String(error.problems)})` : ''}` : String(error);
    if (inCi) throw error;
    console.error(`kafka: not available, Kafka tests will be skipped: ${reason}`);
    return { env: { FRAUD_TEST_KAFKA_SKIP_REASON: `the local broker could not start: ${reason}` } };
  }
}

function runNodeTest(files: string[], env: NodeJS.ProcessEnv, concurrency = Number(process.env.FRAUD_TEST_CONCURRENCY ?? 2)): Promise<number> {
  // Two files at once fill this 2-core machine; CI lowers it when it runs a suite per Node version at once.
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const CLUSTER_DIR = join(root, 'test', 'cluster');

function isClusterTest(file: string): boolean {
  return !relative(CLUSTER_DIR, resolve(file)).startsWith('..');
}

async function runWithBroker(files: string[]): Promise<number> {
  if (files.length === 0) return 0;
  const kafka = await kafkaForTests();
  try {
    return await runNodeTest(files, kafka.env);
  } finally {
    if (kafka.stop) {
      await kafka.stop();
      console.error('kafka: stopped the test broker');
    }
  }
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const files = requested.length > 0 ? requested : testFiles(join(root, 'test'));
  ensureFreshBuild({ log: (text) => console.error(text.trimEnd()) });
  console.error(`running ${files.length} test file(s): ${files.map((file) => relative(root, file)).join(' ')}`);
  const code = await runWithBroker(files.filter((file) => !isClusterTest(file)));
  const cluster = files.filter(isClusterTest);
  if (cluster.length === 0) return code;
  console.error(`running the cluster tests one at a time: ${cluster.map((file) => relative(root, file)).join(' ')}`);
  const clusterCode = await runNodeTest(cluster, {}, 1);
  return code !== 0 ? code : clusterCode;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
