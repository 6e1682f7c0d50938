import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const HOUR = 3_600_000;

async function producedTimestamps(dataDir: string, count: number): Promise<number[]> {
  const consumed = await runFraud(['consume', '--data-dir', dataDir, '--from-beginning', '--count', String(count)]);
  assert.equal(consumed.code, 0, consumed.stderr);
  return consumed.stdout
    .trim()
    .split('\n')
    .map((line) => Date.parse((JSON.parse(line) as { timestamp: string }).timestamp));
}

test('produce --count at --rate 0 ends about now, never after; --days sets the span', async (t) => {
  const dataDir = tempDir(t);
  const produced = await runFraud(['produce', '--data-dir', dataDir, '--rate', '0', '--count', '2000', '--days', '2', '--seed', '4', '--log-level', 'warn']);
  assert.equal(produced.code, 0, produced.stderr);
  const now = Date.now();
  const times = await producedTimestamps(dataDir, 2000);
  const first = Math.min(...times);
  const last = Math.max(...times);
  assert.ok(last <= now, `the last is ${(last - now) / 1000} s after now`);
  // Three standard deviations of the count early: hours for a population this small (1,500), minutes for large ones.
  assert.ok(last > now - 12 * HOUR, `the last is ${((now - last) / HOUR).toFixed(1)} h before now`);
  assert.ok(last - first > 1.5 * 24 * HOUR && last - first < 2.5 * 24 * HOUR, `spans ${((last - first) / HOUR).toFixed(1)} h`);
});

test('produce lists --customers, --days and --count given together, and population flags with --from, as usage errors', async (t) => {
  const result = await runFraud(['produce', '--data-dir', tempDir(t), '--count', '10', '--customers', '5', '--days', '1']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--days: give at most two of --count, --customers and --days/);
  const replay = await runFraud(['produce', '--data-dir', tempDir(t), '--from', '-', '--customers', '5', '--days', 'x']);
  assert.equal(replay.code, 2);
  assert.match(replay.stderr, /--customers: cannot be combined with --from/);
  assert.match(replay.stderr, /--days: must be a number of days/);
});

test('produce --scenarios writes the contract\'s labels, known --label-delay-days after their transaction (0: at once)', async (t) => {
  const dataDir = tempDir(t);
  const produced = await runFraud(['produce', '--data-dir', dataDir, '--scenarios', '--rate', '0', '--count', '3000', '--seed', '4', '--label-delay-days', '0.5', '--log-level', 'warn']);
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runFraud(['consume', '--data-dir', dataDir, '--topic', 'queuing.labels', '--from-beginning', '--count', '1', '--timeout', '10']);
  assert.equal(consumed.code, 0, consumed.stderr);
  const label = JSON.parse(consumed.stdout.trim().split('\n')[0] ?? '{}') as { id: string; knownAt: string; timestamp: string; source: string; scenario: string };
  assert.equal(label.source, 'scenario');
  assert.equal(Date.parse(label.knownAt) - Date.parse(label.timestamp), 12 * HOUR);
  assert.ok(label.scenario.length > 0);
  const refused = await runFraud(['produce', '--data-dir', dataDir, '--count', '10', '--label-delay-days', '-1']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--label-delay-days: must be a number of days, 0 or more/);
  assert.match(refused.stderr, /--label-delay-days: needs --scenarios/);
});
