import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isFraudError } from '../../src/errors.ts';
import { startLocalKafka, stopLocalKafka } from '../../src/localkafka/index.ts';
import { openKafkaLog } from '../../src/log/kafka/index.ts';
import { makeCertificates, type TestCertificates } from '../helpers/certificates.ts';
import { runFraud, startFraud } from '../helpers/cli.ts';
import { clusterSkipReason } from '../helpers/cluster.ts';
import { eventually, idsOf, readAll } from '../helpers/log.ts';
import { formatTally, pipelineSpecs, randomPipeline, readDecisions, tally, type PipelineTopics } from '../helpers/pipeline.ts';
import { printedUrl } from '../helpers/processes.ts';

/**
 * The product against a broker that requires TLS and SASL/SCRAM-SHA-512: certificates made
 * with the JDK's keytool, a SCRAM user created when the storage is formatted, and the
 * clients configured only through the documented settings (KAFKA_TLS, KAFKA_TLS_CA_FILE,
 * KAFKA_SASL_*). The broker also has a plaintext listener, used only by the test's own
 * checks. Ports: FRAUD_TEST_SECURE_PORT (default 19310) plaintext, + 1 controller, + 2 SASL_SSL.
 */
const PORT = Number(process.env.FRAUD_TEST_SECURE_PORT ?? 19310);
const SECURE_PORT = PORT + 2;
const USER = 'fraud-app';
const PASSWORD = 'a-long-scram-secret';
const PARTITIONS = 3;

interface Stats {
  transactions: number;
}

describe('TLS and SASL/SCRAM-SHA-512 met for real', { skip: clusterSkipReason() }, () => {
  let dir = '';
  let certificates: TestCertificates | undefined;
  let broker: { kafkaDir: string; port: number; heap: string } | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraud-secure-'));
    certificates = await makeCertificates(dir);
    const settings = { kafkaDir: join(dir, 'kafka'), port: PORT, heap: '512m', readyTimeoutMs: 180_000 };
    const secure = { port: SECURE_PORT, keystoreFile: certificates.keystore, keystorePassword: certificates.password, scramUsers: [{ name: USER, password: PASSWORD }] };
    await startLocalKafka({ ...settings, secure });
    broker = settings;
  }, { timeout: 300_000 });

  after(async () => {
    if (broker) await stopLocalKafka(broker);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, { timeout: 120_000 });

  /** The documented settings of a client of the secure listener, and the topics of one pipeline. */
  function secureEnv(topics: PipelineTopics, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    if (!certificates) throw new Error('no certificates');
    return {
      KAFKA_BROKER_URL: `127.0.0.1:${SECURE_PORT}`,
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: certificates.caPem,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: USER,
      KAFKA_SASL_PASSWORD: PASSWORD,
      TRANSACTIONS_TOPIC: topics.transactions,
      LEGIT_TOPIC: topics.legit,
      FRAUD_TOPIC: topics.fraud,
      DEAD_LETTER_TOPIC: topics.deadLetter,
      RULES_TOPIC: topics.rules,
      LABELS_TOPIC: topics.labels,
      FEEDBACK_TOPIC: topics.feedback,
      FRAUD_PARTITIONS: String(PARTITIONS),
      LOG_LEVEL: 'warn',
      ...overrides,
    };
  }

  test('produce, detect (exactly-once) and dashboard connect over SASL_SSL with the documented settings', { timeout: 300_000 }, async (t) => {
    const total = 500;
    const topics = randomPipeline('secure');
    const env = secureEnv(topics);
    const dashboard = startFraud(t, ['dashboard', '--port', '0'], env);
    const detector = startFraud(t, ['detect', '--group', 'secure-detectors'], env);
    const url = await printedUrl(dashboard, 120_000);
    const produced = await runFraud(['produce', '--count', String(total), '--rate', '0', '--seed', '31'], { env, timeoutMs: 180_000 });
    assert.equal(produced.code, 0, produced.stderr);

    let stats: Stats | undefined;
    const seen = await eventually(async () => {
      stats = (await (await fetch(`${url}/api/stats`)).json()) as Stats;
      return stats.transactions >= total;
    }, 180_000, 500);
    assert.ok(seen, `the dashboard saw every decision the detector made: ${JSON.stringify(stats)}; ${detector.output().slice(-2000)}`);
    for (const running of [detector, dashboard]) running.child.kill('SIGTERM');
    assert.deepEqual(await detector.exited, { code: 0, signal: null }, detector.output());
    assert.deepEqual(await dashboard.exited, { code: 0, signal: null }, dashboard.output());

    // Checked through the plaintext listener: what the secured clients wrote is really there.
    const log = await openKafkaLog({ brokers: [`127.0.0.1:${PORT}`], clientId: 'fraud-test', tls: false, connectTimeoutMs: 5_000 });
    t.after(() => log.close());
    await log.ensureTopics(pipelineSpecs(topics, PARTITIONS));
    const figures = tally(idsOf(await readAll(log, topics.transactions)), (await readDecisions(log, topics)).map((decision) => decision.id));
    t.diagnostic(`over SASL_SSL with SCRAM-SHA-512: ${formatTally(figures)}; dashboard counted ${String(stats?.transactions)}`);
    assert.deepEqual(figures, { inputs: total, outputs: total, unique: total, duplicates: 0, losses: 0 });
    assert.equal(stats?.transactions, total);
  });

  /** Runs each command with the broken setting: each must stop at start with the error, not retry for ever. */
  async function failsAtStart(overrides: NodeJS.ProcessEnv, expected: RegExp): Promise<string[]> {
    const env = secureEnv(randomPipeline('refused'), overrides);
    const commands = [['produce', '--count', '10'], ['detect'], ['dashboard', '--port', '0']];
    const results = await Promise.all(commands.map(async (args) => ({ args, started: Date.now(), result: await runFraud(args, { env, timeoutMs: 120_000 }) })));
    return results.map(({ args, started, result }) => {
      const command = args[0] ?? '';
      assert.notEqual(result.signal, 'SIGKILL', `fraud ${command} still ran after 120 s: it must give up at start (${result.stderr.slice(-1000)})`);
      assert.equal(result.code, 2, `fraud ${command} exits 2 (a setting to fix): ${result.stderr.slice(-1000)}`);
      assert.match(result.stderr, /error FRAUD_KAFKA_AUTH: /, `fraud ${command}: ${result.stderr.slice(-1000)}`);
      assert.match(result.stderr, expected, `fraud ${command}: ${result.stderr.slice(-1000)}`);
      return `fraud ${command}: exit ${String(result.code)} after ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.stderr.trim().split('\n').slice(-2).join(' / ')}`;
    });
  }

  test('a wrong password: produce, detect and dashboard stop at start with FRAUD_KAFKA_AUTH, exit 2', { timeout: 300_000 }, async (t) => {
    const lines = await failsAtStart({ KAFKA_SASL_PASSWORD: 'not-the-password' }, /refused the SASL SCRAM-SHA-512 login of user "fraud-app"[\s\S]*KAFKA_SASL_PASSWORD/);
    for (const line of lines) t.diagnostic(line);
  });

  test('an untrusted certificate: produce, detect and dashboard stop at start with FRAUD_KAFKA_AUTH, exit 2', { timeout: 300_000 }, async (t) => {
    if (!certificates) throw new Error('no certificates');
    const lines = await failsAtStart({ KAFKA_TLS_CA_FILE: certificates.untrustedCaPem }, /TLS certificate of the Kafka broker\(s\) 127\.0\.0\.1:\d+ is not trusted[\s\S]*KAFKA_TLS_CA_FILE=/);
    for (const line of lines) t.diagnostic(line);
  });

  test('the client classifies both refusals as FRAUD_KAFKA_AUTH, not worth a retry', { timeout: 120_000 }, async () => {
    if (!certificates) throw new Error('no certificates');
    const base = { brokers: [`127.0.0.1:${SECURE_PORT}`], clientId: 'fraud-test', tls: true, tlsCaFile: certificates.caPem, connectTimeoutMs: 5_000 };
    const wrong = { ...base, sasl: { mechanism: 'SCRAM-SHA-512' as const, username: USER, password: 'wrong' } };
    await assert.rejects(openKafkaLog(wrong), (error) => isFraudError(error, 'FRAUD_KAFKA_AUTH') && !error.canRetry);
    const untrusted = { ...base, tlsCaFile: certificates.untrustedCaPem, sasl: { mechanism: 'SCRAM-SHA-512' as const, username: USER, password: PASSWORD } };
    await assert.rejects(openKafkaLog(untrusted), (error) => isFraudError(error, 'FRAUD_KAFKA_AUTH') && !error.canRetry);
  });
});
