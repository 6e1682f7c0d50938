import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES_FILE } from '../../src/detector/rules/load.ts';
import { SEED_RULES_FILE } from '../../src/eval/options.ts';
import { runEval } from '../../src/eval/run.ts';
import { SCENARIO_KINDS } from '../../src/generator/scenarios/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';

const denseMix = Object.fromEntries(SCENARIO_KINDS.map((kind) => [kind, 25]));

/**
 * Features keyed by the payee, merchant, device, ip and card see all of that entity's
 * traffic whatever the partition count (every detector applies every partition, in event
 * time): the same stream over 1, 6 or 12 partitions is decided the same, incident by incident.
 */
test('the same labelled stream over 1, 6 and 12 partitions: the same recall per scenario, the same scores', { timeout: 600_000 }, async () => {
  const reports = [];
  for (const partitions of [1, 6, 12]) {
    reports.push(
      await runEval({
        seed: 4242,
        transactions: 6000,
        ratePerSecond: 2,
        startTime: Date.parse('2026-05-01T00:00:00Z'),
        partitions,
        rulesFile: DEFAULT_RULES_FILE,
        baselineFile: SEED_RULES_FILE,
        mix: denseMix,
        warmupTransactions: 500,
        logger: silentLogger(),
      }),
    );
  }
  const [one, six, twelve] = reports;
  assert.ok(one && six && twelve);
  const mules = one.ours.scores.scenarios.find((scenario) => scenario.scenario === 'mule-fan-in');
  assert.ok(mules && mules.incidents > 0, 'the stream has mule rings');
  assert.ok(mules.caught / mules.incidents > 0.5, `mule fan-in caught on one partition: ${mules.caught}/${mules.incidents}`);
  assert.deepEqual(six.ours.scores, one.ours.scores, '6 partitions decide as 1');
  assert.deepEqual(twelve.ours.scores, one.ours.scores, '12 partitions decide as 1');
});
