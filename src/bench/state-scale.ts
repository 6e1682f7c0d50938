import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FraudError } from '../errors.ts';
import { openEmbeddedLog } from '../log/embedded/index.ts';
import type { Log } from '../log/types.ts';
import { runProcess } from '../localkafka/exec.ts';
import { spawnFraud } from './child.ts';
import type { StageContext } from './context.ts';
import { paymentOf, StateScaleSchema, type StateProbeOptions, type StateScale } from './state-probe.ts';
import type { StateScaleFigures } from './types.ts';

// From source (tsx) the child is the .ts file; from dist/ (the installed package) the built .js.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(FROM_SOURCE ? './state-child.ts' : './state-child.js', import.meta.url));
const PARTITIONS = 6;
const TAIL = 2000;

/**
 * Stage (h): the state at scale. A child process builds the state of N accounts with 90
 * days of history each through the feature path into a local store under the default
 * memory budget (heap, RSS and disk per account), and leaves it as a killed detector would.
 * Then `fraud detect` starts on it with new transactions of those accounts waiting: the
 * time from launch to its first committed decisions is what a restart after SIGKILL costs.
 */
export async function runStateScaleStage(context: StageContext): Promise<StateScaleFigures> {
  const { stateAccounts: accounts, statePayments: payments, stateMemoryMb: memoryMb } = context.sizes;
  const dataDir = join(context.tempDir, 'state-scale');
  const stateDir = join(dataDir, 'state');
  const topics = { transactions: 'scale.transactions', legit: 'scale.legit', fraud: 'scale.fraud', deadLetter: 'scale.dlq' };
  const group = 'scale-detector';
  const endTime = Date.parse('2026-06-01T00:00:00Z');
  context.progress.begin(`h state of ${accounts} accounts x ${payments} payments`, 2, 'steps');
  const built = await buildInChild({ accounts, paymentsPerAccount: payments, memoryMb, stateDir, group, topic: topics.transactions, partitions: PARTITIONS, endTime });
  context.progress.update(1);
  const log = openEmbeddedLog({ dataDir });
  try {
    await log.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: PARTITIONS })));
    await sendTail(log, topics.transactions, accounts, endTime);
    const restart = await timeRestart(log, dataDir, stateDir, group, topics);
    const figures = figuresOf(built, memoryMb, restart);
    context.progress.end(
      `${figures.heapBytesPerAccount} B heap and ${figures.diskBytesPerAccount} B disk per account; restart decides after ${figures.restartFirstDecisionMs} ms`,
    );
    return figures;
  } finally {
    await log.close();
  }
}

async function buildInChild(options: Omit<StateProbeOptions, 'gc'>): Promise<StateScale> {
  const args = ['--expose-gc', '--max-old-space-size=8192', ...(FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : []), CHILD, JSON.stringify(options)];
  const result = await runProcess(process.execPath, args, { env: process.env, timeoutMs: 4 * 3600_000 });
  if (result.code !== 0) {
    throw new FraudError('FRAUD_INTERNAL', `the state probe exited with ${String(result.code ?? result.signal)}`, { problems: result.stderr.trim().split('\n').slice(-5) });
  }
  return StateScaleSchema.parse(JSON.parse(result.stdout.trim()));
}

/** New payments of accounts already in the state, an hour after its history ends. */
async function sendTail(log: Log, topic: string, accounts: number, endTime: number): Promise<void> {
  const producer = await log.createProducer();
  const records = Array.from({ length: TAIL }, (_, i) => {
    const account = Math.floor((i * 7919) % accounts);
    const tx = { ...paymentOf(account, 999), timestamp: new Date(endTime + 3600_000 + i * 100).toISOString() };
    return { topic, key: tx.source, value: JSON.stringify(tx) };
  });
  await producer.send(records);
  await producer.close();
}

async function timeRestart(log: Log, dataDir: string, stateDir: string, group: string, topics: Record<string, string>): Promise<{ firstMs: number; allMs: number }> {
  const started = performance.now();
  const detector = spawnFraud(
    ['detect', '--data-dir', dataDir, '--state-dir', stateDir, '--group', group, '--transactions-topic', topics.transactions as string,
      '--legit-topic', topics.legit as string, '--fraud-topic', topics.fraud as string, '--dead-letter-topic', topics.deadLetter as string, '--log-level', 'warn'],
    { ...process.env, LOG_LEVEL: 'warn', FRAUD_DEBUG: '1' },
  );
  try {
    let firstMs = -1;
    for (;;) {
      const decided = (await count(log, topics.legit as string)) + (await count(log, topics.fraud as string)) + (await count(log, topics.deadLetter as string));
      if (decided > 0 && firstMs < 0) firstMs = performance.now() - started;
      if (decided >= TAIL) return { firstMs, allMs: performance.now() - started };
      if (performance.now() - started > 600_000) throw new FraudError('FRAUD_LOG_TIMEOUT', `the restarted detector decided ${decided} of ${TAIL} in 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await detector.stop();
  }
}

async function count(log: Log, topic: string): Promise<number> {
  return (await log.partitionBounds(topic)).reduce((sum, bounds) => sum + bounds.end - bounds.start, 0);
}

function figuresOf(built: StateScale, memoryMb: number, restart: { firstMs: number; allMs: number }): StateScaleFigures {
  return {
    accounts: built.accounts,
    payments: built.payments,
    entities: built.entities,
    inMemory: built.inMemory,
    memoryBudgetMb: memoryMb,
    heapBytesPerAccount: Math.round(built.heapUsedBytes / built.accounts),
    rssBytesPerAccount: Math.round(built.rssBytes / built.accounts),
    diskBytesPerAccount: Math.round(built.diskBytes / built.accounts),
    diskMb: Math.round(built.diskBytes / 1024 / 1024),
    buildPerSec: Math.round((built.payments * 1000) / built.buildMs),
    restartFirstDecisionMs: Math.round(restart.firstMs),
    restartAllMs: Math.round(restart.allMs),
    restartRecords: TAIL,
  };
}
