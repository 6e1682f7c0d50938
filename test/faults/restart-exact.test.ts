import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import type { Log } from '../../src/log/types.ts';
import { runFraud, startFraud } from '../helpers/cli.ts';
import { countRecords, eventually, readAll } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';

/**
 * A detector SIGKILLed at any point and restarted makes exactly the decisions of one that
 * ran uninterrupted: verdict, score and every reason, for every transaction. The state is
 * restored from the local store's last checkpoint and the input replayed from its position.
 * CI size by default; FRAUD_TEST_FULL=1 runs the size (1,500,000 transactions).
 */
const FULL = process.env.FRAUD_TEST_FULL === '1';
const TOTAL = FULL ? 1_500_000 : 40_000;
const PARTITIONS = 6;

interface Decided {
  verdict: string;
  score: number;
  reasons: string;
}

async function decisionsOf(log: Log, prefix: string): Promise<Map<string, Decided>> {
  const decisions = new Map<string, Decided>();
  for (const topic of [`${prefix}.legit`, `${prefix}.fraud`]) {
    for (const record of await readAll(log, topic)) {
      const value = JSON.parse(String(record.value)) as { id: string; decision: { verdict: string; score: number; reasons: unknown } };
      assert.equal(decisions.has(value.id), false, `${value.id} decided twice in ${prefix}`);
      decisions.set(value.id, { verdict: value.decision.verdict, score: value.decision.score, reasons: JSON.stringify(value.decision.reasons) });
    }
  }
  return decisions;
}

function detectArgs(dataDir: string, prefix: string): string[] {
  return [
    'detect', '--data-dir', dataDir, '--group', `${prefix}-detector`, '--state-dir', join(dataDir, `${prefix}-state`),
    '--legit-topic', `${prefix}.legit`, '--fraud-topic', `${prefix}.fraud`, '--dead-letter-topic', `${prefix}.dlq`, '--log-level', 'warn',
  ];
}

async function outputs(log: Log, prefix: string): Promise<number> {
  let sum = 0;
  for (const suffix of ['legit', 'fraud', 'dlq']) sum += await countRecords(log, `${prefix}.${suffix}`);
  return sum;
}

async function untilDecided(t: TestContext, log: Log, dataDir: string, prefix: string, env: NodeJS.ProcessEnv, kills: number[]): Promise<number> {
  let killed = 0;
  for (const at of [...kills, TOTAL]) {
    const detector = startFraud(t, detectArgs(dataDir, prefix), env);
    const reached = await eventually(async () => (await outputs(log, prefix)) >= at, FULL ? 1_800_000 : 300_000, 50);
    assert.ok(reached, `${prefix} reached ${at} outputs: ${detector.output().slice(-2000)}`);
    if (at === TOTAL) {
      detector.child.kill('SIGTERM');
      assert.deepEqual(await detector.exited, { code: 0, signal: null }, detector.output().slice(-2000));
    } else {
      detector.child.kill('SIGKILL');
      assert.equal((await detector.exited).signal, 'SIGKILL');
      killed++;
    }
  }
  return killed;
}

test(`SIGKILL three times in ${TOTAL} transactions over ${PARTITIONS} partitions: every decision is the uninterrupted run's`, { timeout: FULL ? 7_200_000 : 900_000 }, async (t) => {
  const dataDir = tempDir(t);
  const produced = await runFraud(
    ['produce', '--data-dir', dataDir, '--scenarios', '--count', String(TOTAL), '--rate', '0', '--seed', '9', '--partitions', String(PARTITIONS), '--log-level', 'warn'],
    { timeoutMs: FULL ? 1_800_000 : 300_000 },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const log = openEmbeddedLog({ dataDir });
  t.after(() => log.close());
  const outputTopics = ['straight', 'killed'].flatMap((prefix) => ['legit', 'fraud', 'dlq'].map((suffix) => `${prefix}.${suffix}`));
  await log.ensureTopics(outputTopics.map((name) => ({ name, partitions: PARTITIONS })));

  await untilDecided(t, log, dataDir, 'straight', {}, []);
  // Checkpoints every few thousand records, so each restart restores one and replays the input after it.
  const env = { FRAUD_STATE_CHECKPOINT_RECORDS: String(Math.round(TOTAL / 13)) };
  const kills = await untilDecided(t, log, dataDir, 'killed', env, [0.27, 0.52, 0.81].map((share) => Math.round(TOTAL * share)));

  const straight = await decisionsOf(log, 'straight');
  const killed = await decisionsOf(log, 'killed');
  assert.equal(kills, 3);
  assert.equal(straight.size + (await countRecords(log, 'straight.dlq')), TOTAL);
  assert.equal(killed.size, straight.size, 'the same transactions decided');
  let different = 0;
  let flagged = 0;
  for (const [id, decision] of straight) {
    if (decision.verdict !== 'legit') flagged++;
    const other = killed.get(id);
    if (!other || other.verdict !== decision.verdict || other.score !== decision.score || other.reasons !== decision.reasons) different++;
  }
  t.diagnostic(`restart exactness: ${TOTAL} transactions, ${kills} SIGKILLs, ${different} decisions differ, ${flagged} flagged`);
  assert.ok(flagged > 0, 'the stream has frauds to get right');
  assert.equal(different, 0, 'every verdict, score and reason as in the uninterrupted run');
});
