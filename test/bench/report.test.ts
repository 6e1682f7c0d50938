import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonReport, reportRows, textReport } from '../../src/bench/report.ts';
import { ratios, targetChecks, type TargetCheck } from '../../src/bench/targets.ts';
import { aBenchResult, aDetectorRun, aLatencyRun, allFigures } from './fixtures.ts';

function check(checks: TargetCheck[], id: string): TargetCheck {
  const found = checks.find((candidate) => candidate.id === id);
  assert.ok(found, `target ${id}`);
  return found;
}

describe('bench ratios', () => {
  test('divide our figures by the Kafka tool they are compared with', () => {
    const byId = Object.fromEntries(ratios(allFigures()).map((ratio) => [ratio.id, ratio.value]));
    assert.deepEqual(byId, {
      'producer/pp': 0.5,
      'consumer/cp': 1.25,
      'detector-alo/pp': 0.6,
      'detector-eos/pp': 0.2,
      'detector-eos/pp-txn': 0.25,
      'detector-alo/consumer': 0.24,
      'embedded/pp': 0.45,
    });
  });

  test('are left out when either side was not measured', () => {
    const figures = allFigures();
    delete figures.kafkaTools;
    assert.deepEqual(
      ratios(figures).map((ratio) => ratio.id),
      ['detector-alo/consumer'],
    );
  });
});

describe('bench targets', () => {
  test('pass and fail on the figures of the run', () => {
    const checks = targetChecks(allFigures());
    assert.equal(check(checks, 'detector-alo-rate').pass, true); // 60,000 ≥ 50,000
    assert.equal(check(checks, 'detector-eos-rate').pass, true); // 20,000 ≥ 20,000
    assert.equal(check(checks, 'detector-alo-share').pass, true); // 0.6 ≥ 0.3
    assert.equal(check(checks, 'detector-eos-share').pass, false); // 0.2 < 0.3
    assert.equal(check(checks, 'latency-p99-5000').pass, true); // 18.5 ms, sustained
    assert.equal(check(checks, 'embedded-rate').pass, false); // 45,000 < 50,000
    assert.equal(check(checks, 'memory-per-account').pass, false); // 1,100 > 1,024
    assert.equal(check(checks, 'api-p99-1000').pass, true); // 21.4 ms at 1,000/s, sustained
    assert.equal(check(checks, 'api-max-rate').pass, true); // 3,000/s
  });

  test('a latency within target at a rate not sustained fails', () => {
    const figures = allFigures();
    figures.latency = [aLatencyRun({ p99: 10, sustained: false, backlogAtEnd: 9000, backlogSeconds: 1.8 })];
    const latency = check(targetChecks(figures), 'latency-p99-5000');
    assert.equal(latency.pass, false);
    assert.match(latency.measured, /not sustained/);
  });

  test('are "not measured" (pass null) for stages not run', () => {
    const checks = targetChecks({ detector: { atLeastOnce: aDetectorRun({ recordsPerSec: 49_999 }), exactlyOnce: aDetectorRun({ mode: 'exactly-once' }) } });
    assert.equal(check(checks, 'detector-alo-rate').pass, false);
    for (const id of ['detector-alo-share', 'latency-p99-5000', 'embedded-rate', 'memory-per-account', 'api-p99-1000', 'api-max-rate']) {
      assert.equal(check(checks, id).pass, null, id);
      assert.equal(check(checks, id).measured, 'not measured');
    }
  });
});

describe('bench report', () => {
  test('has one row per figure, in stage order, with the comparisons', () => {
    const rows = reportRows(allFigures());
    assert.deepEqual(
      rows.map((row) => row.stage),
      ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd', 'd', 'd', 'e', 'e', 'f', 'g', 'i', 'i', 'i', 'i', 'i', 'i'],
    );
    const ladder = rows.find((row) => row.figure === 'decision API, kafka, exactly-once, 4,000 requests/s');
    assert.match(ladder?.compared ?? '', /statuses 503×20, NOT sustained/);
    assert.equal(rows.at(-1)?.value, '3,000 requests/s');
    const eos = rows.find((row) => row.figure === 'detector on Kafka, exactly-once');
    assert.equal(eos?.value, '20,000 tx/s (overall 55,000/s)');
    assert.equal(eos?.compared, '0.2 × ProducerPerf, 0.25 × txn ProducerPerf');
    const at10k = rows.find((row) => row.figure.endsWith('10,000/s') && row.stage === 'd');
    assert.match(at10k?.compared ?? '', /NOT sustained: backlog 40,000 \(4 s\)/);
  });

  test('the Kafka Streams peer: its rate beside the detector exactly-once of the same run, or why it was not measured', () => {
    const peer = { available: true as const, mode: 'windowed exactly_once_v2', records: 600_000, seconds: 20, recordsPerSec: 30_000, check: 'OK: read_committed legit 1 + fraud 2 = 3 of N=3' };
    const figures = { detector: { atLeastOnce: aDetectorRun({ recordsPerSec: 40_000 }), exactlyOnce: aDetectorRun({ mode: 'exactly-once', recordsPerSec: 15_000 }) }, peer };
    const row = reportRows(figures).find((candidate) => candidate.stage === 'l');
    assert.equal(row?.value, '30,000 tx/s');
    assert.match(row?.compared ?? '', /15,000\/s = 0\.5 × the peer; its check: OK/);
    assert.equal(check(targetChecks(figures), 'detector-vs-kstreams').pass, false);
    assert.equal(check(targetChecks(figures), 'detector-vs-kstreams').measured, '0.5 ×');
    assert.equal(check(targetChecks({ ...figures, peer: { ...peer, recordsPerSec: 10_000 } }), 'detector-vs-kstreams-goal').pass, true);
    const absent = reportRows({ peer: { available: false, reason: 'no peer here' } });
    assert.deepEqual(absent.map((r) => [r.stage, r.value, r.compared]), [['l', 'not measured', 'no peer here']]);
    assert.equal(check(targetChecks({ peer: { available: false, reason: 'no peer here' } }), 'detector-vs-kstreams').pass, null);
  });

  test('prints the table, the targets and the failed stages', () => {
    const text = textReport(aBenchResult(allFigures(), { failures: [{ stage: 'g', error: 'no chromium' }] }));
    assert.match(text, /Kafka 4\.4\.0 at 127\.0\.0\.1:19292 \(started by the bench\)/);
    assert.match(text, /317 bytes of JSON on average/);
    assert.match(text, /stages took \(s\): a 40, b 20; machine load \(1-min average\) after each: a 2\.5, b 3\.1/);
    assert.match(text, /^a {2}Kafka ProducerPerformance, acks=all +100,000 rec\/s, 30 MB\/s/m);
    assert.match(text, /PASS {2}detector at-least-once ≥ 50,000\/s +60,000\/s/);
    assert.match(text, /FAIL {2}≤ 1 KB \(1,024 bytes\) of heap per active account +1,100 bytes/);
    assert.match(text, /Stages that failed to run\n {2}g {2}no chromium/);
  });

  test('start-up: within 150 ms (--help) or 300 ms (consume) and 4 × node -e 0, shown beside Node', () => {
    const runs = (wallMs: number) => ({ wallMs, cpuMs: wallMs, maxRssMb: 50, minWallMs: wallMs });
    const startup = (help: number, consume: number, node = 40) => ({ runs: 5, node: 'v26.12.1', commands: { nodeBaseline: runs(node), help: runs(help), consumeOne: runs(consume) } });
    assert.equal(check(targetChecks({ startup: startup(70, 150) }), 'startup-help').pass, true);
    assert.equal(check(targetChecks({ startup: startup(70, 150) }), 'startup-consume').pass, true);
    assert.equal(check(targetChecks({ startup: startup(70, 170) }), 'startup-consume').pass, false, 'over 4 × node -e 0');
    assert.equal(check(targetChecks({ startup: startup(160, 150, 100) }), 'startup-help').pass, false, 'over 150 ms');
    assert.equal(check(targetChecks({}), 'startup-help').pass, null, 'not measured');
    const text = textReport(aBenchResult({ startup: startup(70, 150) }));
    assert.match(text, /^j {2}fraud --help +70 ms wall +CPU 70 ms, RSS 50 MB; 1\.8 × node -e 0/m);
    assert.match(text, /^j {2}fraud consume --count 1 \(embedded log\) +150 ms wall/m);
  });

  test('as JSON carries every figure, the ratios and the targets', () => {
    const parsed = JSON.parse(jsonReport(aBenchResult())) as { figures: { detector: { atLeastOnce: { recordsPerSec: number } } }; ratios: unknown[]; targets: Array<{ pass: boolean | null }> };
    assert.equal(parsed.figures.detector.atLeastOnce.recordsPerSec, 60_000);
    assert.equal(parsed.ratios.length, 7);
    assert.equal(parsed.targets.length, 14);
    assert.ok(parsed.targets.every((target) => target.pass !== undefined), 'pass is true, false or null, never missing');
  });
});
