import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

test('--help lists the commands of the contract', async () => {
  const result = await runFraud(['--help']);
  assert.equal(result.code, 0);
  for (const command of ['produce', 'detect', 'consume', 'kafka']) assert.match(result.stdout, new RegExp(`\\b${command}\\b`));
});

test('every command has --help', async () => {
  for (const command of ['produce', 'detect', 'consume']) {
    const result = await runFraud([command, '--help']);
    assert.equal(result.code, 0, command);
    assert.match(result.stdout, /Usage: fraud/);
  }
});

test('invalid settings stop the program at start with exit code 2 and every problem listed', async (t) => {
  const result = await runFraud(['produce', '--rate', 'fast', '--count', 'ten', '--data-dir', tempDir(t)], {
    env: { LEGIT_TOPIC: 'bad topic!' },
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /FRAUD_CONFIG_INVALID/);
  assert.match(result.stderr, /--rate: must be a number/);
  assert.match(result.stderr, /--count: must be a whole number/);
  assert.match(result.stderr, /LEGIT_TOPIC/);
});

test('an unknown option is a usage error (exit code 2)', async () => {
  const result = await runFraud(['detect', '--no-such-flag']);
  assert.equal(result.code, 2);
});

test('produce --count --seed writes that many transactions; consume prints them one per line', async (t) => {
  const dataDir = tempDir(t);
  const produced = await runFraud(['produce', '--data-dir', dataDir, '--rate', '0', '--count', '25', '--seed', '3', '--log-level', 'warn']);
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runFraud(['consume', '--data-dir', dataDir, '--from-beginning', '--count', '25']);
  assert.equal(consumed.code, 0, consumed.stderr);
  const lines = consumed.stdout.trim().split('\n');
  assert.equal(lines.length, 25);
  for (const line of lines) assert.ok((JSON.parse(line) as { amount: number }).amount > 0);
});

test('the same seed and start time produce the same stream, byte for byte', async (t) => {
  const streams: string[] = [];
  for (let run = 0; run < 2; run++) {
    const dataDir = tempDir(t);
    const args = ['--data-dir', dataDir, '--rate', '0', '--count', '40', '--seed', '99', '--start-time', '2026-03-01T00:00:00Z'];
    assert.equal((await runFraud(['produce', ...args, '--log-level', 'warn'])).code, 0);
    const consumed = await runFraud(['consume', '--data-dir', dataDir, '--from-beginning', '--count', '40']);
    streams.push(consumed.stdout.trim().split('\n').sort().join('\n'));
  }
  assert.equal(streams[0]?.split('\n').length, 40);
  assert.equal(streams[0], streams[1]);
});

test('produce --from replays your own JSON lines, from a file or standard input', async (t) => {
  const dataDir = tempDir(t);
  const file = join(dataDir, 'mine.jsonl');
  writeFileSync(file, '{"source":"A1","target":"B1","amount":5,"currency":"EUR"}\n\n{"source":"A2","target":"B2","amount":950,"currency":"EUR"}\n');
  assert.equal((await runFraud(['produce', '--data-dir', dataDir, '--from', file, '--rate', '0', '--log-level', 'warn'])).code, 0);
  const fromStdin = await runFraud(['produce', '--data-dir', dataDir, '--from', '-', '--rate', '0', '--log-level', 'warn'], {
    input: 'not json at all\n',
  });
  assert.equal(fromStdin.code, 0);
  const consumed = await runFraud(['consume', '--data-dir', dataDir, '--from-beginning', '--count', '3', '--envelope']);
  const records = consumed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { key: string | null; value: unknown });
  const byValue = new Map(records.map((r) => [JSON.stringify(r.value), r.key]));
  assert.equal(byValue.get(JSON.stringify({ source: 'A1', target: 'B1', amount: 5, currency: 'EUR' })), 'A1', 'keyed by source');
  assert.equal(byValue.get(JSON.stringify('not json at all')), null, 'bad lines go as they are, for the detector to dead-letter');
});

test('a missing --from file fails with exit code 1 and says which', async (t) => {
  const result = await runFraud(['produce', '--data-dir', tempDir(t), '--from', '/nonexistent/x.jsonl', '--rate', '0']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /FRAUD_INPUT_FILE.*\/nonexistent\/x.jsonl/);
});
