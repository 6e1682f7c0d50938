import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readModelFile } from '../../src/model/io.ts';
import { runFraud } from '../helpers/cli.ts';
import { aLabelledHistory, writeHistory } from '../train/history.ts';

test('fraud train learns from labels, reports held-out figures and writes a model that validates', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fraud-train-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = writeHistory(dir, aLabelledHistory(16));
  const out = join(dir, 'model.json');
  const args = ['train', '--from', files.transactions, '--labels', files.labels, '--since', '2026-03-05', '--until', '2026-03-10', '--delay-days', '1'];
  const run = await runFraud([...args, '--test-since', '2026-03-12', '--test-until', '2026-03-17', '--out', out, '--trees', '40', '--json'], { timeoutMs: 300_000 });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { features: number; training: { rows: number; frauds: number }; heldOut: { aucRoc: number; averagePrecision: number; transactions: number } };
  assert.ok(report.training.rows > 300 && report.training.frauds > 3, JSON.stringify(report.training));
  // Frauds are 6-10 times the account's usual amount: the amount-against-history features find them.
  assert.ok(report.heldOut.aucRoc > 0.9, `AUC ${report.heldOut.aucRoc}`);
  assert.ok(report.heldOut.averagePrecision > 0.5, `AP ${report.heldOut.averagePrecision}`);
  const model = readModelFile(out);
  assert.equal(model.features.length, report.features);
  assert.equal(model.training.delayDays, 1);
  assert.equal(model.metrics.heldOut?.transactions, report.heldOut.transactions);
  assert.equal(model.model.trees.length, 40);
});

test('fraud train lists every problem of its options and exits 2', async () => {
  const run = await runFraud(['train', '--since', 'yesterday', '--until', '2026-01-01', '--test-since', '2026-02-01'], { timeoutMs: 60_000 });
  assert.equal(run.code, 2);
  for (const flag of ['--from', '--labels', '--since', '--out', '--test-since']) assert.match(run.stderr, new RegExp(`${flag}:`), run.stderr);
});

test('fraud train refuses an invalid labels file, naming the line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fraud-train-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = writeHistory(dir, { transactions: aLabelledHistory(2).transactions, labels: [] });
  writeFileSync(files.labels, '{"id":"t1","fraud":true,"knownAt":"2026-03-03T00:00:00Z","source":"chargeback"}\n{"id":"t2","fraud":"yes"}\n');
  const run = await runFraud(['train', '--from', files.transactions, '--labels', files.labels, '--since', '2026-03-02', '--until', '2026-03-02', '--out', join(dir, 'm.json')]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /FRAUD_LABELS_INVALID/);
  assert.match(run.stderr, /line 2: .*fraud/);
});

test('fraud --help lists train, and train has its own --help', async () => {
  assert.match((await runFraud(['--help'])).stdout, /\btrain\b/);
  const help = await runFraud(['train', '--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--from', '--topic', '--labels', '--since', '--until', '--delay-days', '--test-since', '--test-until', '--out', '--json']) assert.match(help.stdout, new RegExp(flag));
});
