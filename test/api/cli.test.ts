import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFraud } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

test('fraud api refuses to start off loopback without a token, and lists every invalid setting (exit code 2)', { timeout: 300_000 }, async (t) => {
  const open = await runFraud(['api', '--data-dir', tempDir(t), '--api-host', '0.0.0.0'], { timeoutMs: 120_000 });
  assert.equal(open.code, 2, open.stderr);
  assert.match(open.stderr, /FRAUD_CONFIG_INVALID/);
  assert.match(open.stderr, /api\.token: required when the API listens on 0\.0\.0\.0/);
  const invalid = await runFraud(['api', '--data-dir', tempDir(t), '--api-token', 'short'], { env: { API_DEADLINE_MS: '0', API_FALLBACK: 'deny' }, timeoutMs: 120_000 });
  assert.equal(invalid.code, 2, invalid.stderr);
  assert.match(invalid.stderr, /--api-token: must be at least 16 characters/);
  assert.match(invalid.stderr, /API_DEADLINE_MS: must be from 1 to 60000/);
  assert.match(invalid.stderr, /API_FALLBACK: must be legit \(or allow\) or review/);
});

test('fraud --help lists api; fraud api --help names its settings', { timeout: 300_000 }, async () => {
  assert.match((await runFraud(['--help'], { timeoutMs: 120_000 })).stdout, /\bapi\b/);
  const help = await runFraud(['api', '--help'], { timeoutMs: 120_000 });
  assert.equal(help.code, 0);
  for (const flag of ['--api-host', '--api-port', '--api-token', '--deadline-ms', '--fallback']) assert.match(help.stdout, new RegExp(flag));
});
