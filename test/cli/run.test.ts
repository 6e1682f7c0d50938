import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFraud } from '../helpers/cli.ts';
import { eventually } from '../helpers/log.ts';
import { tempDir } from '../helpers/temp.ts';

interface Stats {
  transactions: number;
  legit: number;
  review: number;
  fraud: number;
}

test('fraud run serves the page and the decision API, decides a stream with fraud in it, then stops cleanly on SIGINT', { timeout: 180_000 }, async (t) => {
  const run = startFraud(t, ['run', '--data-dir', tempDir(t), '--port', '0', '--api-port', '0', '--deadline-ms', '10000', '--rate', '40', '--seed', '3', '--log-level', 'warn']);
  let url = '';
  assert.ok(
    await eventually(async () => {
      url = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1] ?? '';
      return url !== '';
    }, 90_000),
    `printed its URL: ${run.output()}`,
  );
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Fraud Detector/);
  let stats: Stats = { transactions: 0, legit: 0, review: 0, fraud: 0 };
  const sawBoth = await eventually(async () => {
    stats = (await (await fetch(`${url}api/stats`)).json()) as Stats;
    return stats.legit > 0 && stats.review + stats.fraud > 0;
  }, 60_000, 500);
  assert.ok(sawBoth, `legit and flagged decisions arrived: ${JSON.stringify(stats)}`);
  const api = /POST (http:\/\/127\.0\.0\.1:\d+\/)v1\/decisions/.exec(run.output())?.[1];
  assert.ok(api, `printed the API's URL: ${run.output()}`);
  // The README's curl example: the seed's four fields, sent as curl -d sends them.
  const response = await fetch(`${api}v1/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '{"source":"a","target":"b","amount":950,"currency":"EUR"}',
  });
  assert.equal(response.status, 200);
  const decided = (await response.json()) as { amount: number; decision: { verdict: string } };
  assert.equal(decided.amount, 950);
  assert.ok(['legit', 'review', 'fraud'].includes(decided.decision.verdict));
  run.child.kill('SIGINT');
  assert.deepEqual(await run.exited, { code: 0, signal: null });
});
