import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFraud, startFraud } from '../helpers/cli.ts';
import { waitForProgress } from '../helpers/group.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { eventually, idsOf, readAll } from '../helpers/log.ts';
import { printedUrl } from '../helpers/processes.ts';
import { formatTally, pipelineArgs, pipelineEnv, readDecisions, tally } from '../helpers/pipeline.ts';
import { openKafkaPipeline } from '../helpers/kafka-pipeline.ts';

interface Stats {
  transactions: number;
  legit: number;
  review: number;
  fraud: number;
  deadLetter: number;
}

test('fraud produce, fraud detect and fraud dashboard as three processes on Kafka: each transaction decided once, and seen', { timeout: 180_000, ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const partitions = 4;
  const total = 2_000;
  const { log, topics, groupId, watch } = await openKafkaPipeline(t, brokers, 'three', partitions);
  const args = pipelineArgs(brokers, topics, partitions);
  const env = pipelineEnv(topics);

  // The dashboard first: it counts the decisions that arrive while it runs.
  const dashboard = startFraud(t, ['dashboard', ...args, '--port', '0'], env);
  const url = await printedUrl(dashboard);
  const detector = startFraud(t, ['detect', ...args, '--group', groupId], env);
  const produced = await runFraud(['produce', ...args, '--count', String(total), '--rate', '0', '--seed', '21'], { env, timeoutMs: 120_000 });
  assert.equal(produced.code, 0, produced.stderr);

  const decidedIn = await waitForProgress(() => watch.committed(groupId, topics.transactions), total, 120_000);
  assert.ok(decidedIn !== undefined, `the detector decided all ${total}: ${detector.output()}`);
  let stats: Stats | undefined;
  const seen = await eventually(async () => {
    stats = (await (await fetch(`${url}/api/stats`)).json()) as Stats;
    return stats.transactions >= total;
  }, 60_000, 250);
  assert.ok(seen, `the dashboard saw every decision: ${JSON.stringify(stats)}`);
  assert.equal(stats?.transactions, total, 'and none twice');
  assert.equal((stats?.legit ?? 0) + (stats?.review ?? 0) + (stats?.fraud ?? 0) + (stats?.deadLetter ?? 0), total);

  for (const running of [detector, dashboard]) running.child.kill('SIGTERM');
  assert.deepEqual(await detector.exited, { code: 0, signal: null }, detector.output());
  assert.deepEqual(await dashboard.exited, { code: 0, signal: null }, dashboard.output());
  const inputIds = idsOf(await readAll(log, topics.transactions));
  const figures = tally(inputIds, (await readDecisions(log, topics)).map((decision) => decision.id));
  const counts = { transactions: stats?.transactions, legit: stats?.legit, review: stats?.review, fraud: stats?.fraud, deadLetter: stats?.deadLetter };
  t.diagnostic(`three processes: ${formatTally(figures)}; dashboard /api/stats ${JSON.stringify(counts)}`);
  assert.equal(inputIds.length, total);
  assert.deepEqual(figures, { inputs: total, outputs: total, unique: total, duplicates: 0, losses: 0 });
});
