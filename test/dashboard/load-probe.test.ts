import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { probeDashboard, sampleProcess } from '../../src/dashboard/index.ts';
import { browserTestOptions } from '../helpers/browser.ts';
import { aDecision, openPipeline, started } from './fixtures.ts';

describe('load probe (for fraud bench)', () => {
  test('counts the events a page receives per second and measures how fast it answers', { ...browserTestOptions(), timeout: 60_000 }, async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline, pipeline.options({ tuning: { statsIntervalMs: 250 } }));
    const stop = new AbortController();
    // About 100 decisions a second, every tenth flagged, while the probe measures.
    const writing = (async () => {
      while (!stop.signal.aborted) {
        await pipeline.write(...Array.from({ length: 10 }, (_, i) => aDecision({ verdict: i === 0 ? 'fraud' : 'legit' })));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    pipeline.defer(async () => {
      stop.abort();
      await writing;
    });
    const result = await probeDashboard({ url: dashboard.url, durationMs: 3000, warmupMs: 500, sampleEveryMs: 200 });
    t.diagnostic(JSON.stringify(result));
    // Counts, not speeds: on a busy machine the page may receive fewer in the window, but it
    // must receive and count some of each kind, and the rate must agree with the count.
    const decisions = result.events.byType.decision ?? 0;
    assert.ok(decisions > 0, `decisions streamed: ${decisions}`);
    assert.ok((result.events.byType.stats ?? 0) >= 1, 'stats events counted');
    assert.ok(result.events.perSecond > 0);
    assert.equal(result.reconnects, 0);
    assert.ok(result.roundTripMs.samples >= 1 && Number.isFinite(result.roundTripMs.p50 ?? Infinity), 'round trips measured');
    assert.ok(result.clickMs.samples >= 1, 'tabs were clicked');
    assert.ok(result.clickToFrameMs.samples >= 1, 'the page timed the clicks');
    assert.ok(result.longTasks.busyShare >= 0 && result.longTasks.busyShare < 1);
  });

  test('samples CPU and resident memory of a process from /proc', { skip: process.platform !== 'linux' ? 'Linux only' : undefined }, async () => {
    const usage = await sampleProcess(process.pid, { durationMs: 300, intervalMs: 100 });
    assert.equal(usage.pid, process.pid);
    assert.ok(usage.samples >= 3);
    assert.ok(usage.rssMb.max > 10, `this process holds some memory: ${usage.rssMb.max} MB`);
    assert.ok(usage.cpuPercent.mean >= 0);
  });
});
