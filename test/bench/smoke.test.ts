import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchResult } from '../../src/bench/types.ts';
import { runFraud } from '../helpers/cli.ts';

// The Kafka stages are not run here: CI runs `fraud bench --quick` against its own broker.
test('fraud bench --quick --only e --json measures the embedded pipeline', { timeout: 90_000 }, async () => {
  const run = await runFraud(['bench', '--quick', '--only', 'e', '--json', '--records', '3000', '--latency-seconds', '1'], { timeoutMs: 90_000 });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as BenchResult & { targets: Array<{ id: string; pass: boolean | null }> };
  assert.deepEqual(report.stages, ['e']);
  assert.deepEqual(report.failures, []);
  assert.equal(report.kafka, undefined, 'no broker for the embedded stage');
  const embedded = report.figures.embedded;
  assert.ok(embedded, 'embedded figures');
  assert.equal(embedded.detector.records, 3000);
  assert.ok(embedded.detector.recordsPerSec > 0 && embedded.detector.overallPerSec > 0);
  const latency = embedded.latency;
  assert.ok(latency.samples > 0 && latency.achievedPerSec > 0 && latency.decidedPerSec > 0);
  assert.ok(latency.p50 > 0 && latency.p99 >= latency.p50 && latency.p999 >= latency.p99);
  assert.ok(report.workload.meanBytes > 100, `mean transaction size ${report.workload.meanBytes}`);
  assert.equal(typeof report.targets.find((target) => target.id === 'embedded-rate')?.pass, 'boolean');
});
