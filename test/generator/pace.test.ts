import assert from 'node:assert/strict';
import { test } from 'node:test';
import { customersForRate, customersForSpan, DAY_MS, populationRatePerSecond } from '../../src/generator/pace.ts';
import { planStream } from '../../src/generator/plan.ts';
import { DEFAULT_MIX, leastIncidentShare, ScenarioStream, scenarioEvents } from '../../src/generator/scenarios/index.ts';
import { PopulationPace } from '../../src/generator/span.ts';
import { TrafficGenerator, type TrafficOptions } from '../../src/generator/traffic.ts';

const HOUR = 3_600_000;
const start = Date.parse('2026-05-04T00:00:00Z');

/** Simulated milliseconds from the start to the last of `count` transactions. */
function spanOf(options: TrafficOptions, count: number): number {
  const generator = new TrafficGenerator(options);
  let last = 0;
  for (let i = 0; i < count; i++) last = generator.next().atMs;
  return last;
}

test('N transactions of C customers span N / (C x the rate of one customer): twice the customers, half the time', () => {
  const span = spanOf({ seed: 3, startTime: start, customers: 1_000 }, 30_000);
  const expected = (30_000 / populationRatePerSecond(1_000)) * 1000;
  assert.ok(Math.abs(span / expected - 1) < 0.05, `${(span / DAY_MS).toFixed(1)} days, expected ${(expected / DAY_MS).toFixed(1)}`);
  assert.ok(span > 40 * DAY_MS && span < 50 * DAY_MS, 'a customer pays about 4-5 times a week');
  const doubled = spanOf({ seed: 3, startTime: start, customers: 2_000 }, 30_000);
  assert.ok(Math.abs(doubled / span - 0.5) < 0.03, `${doubled / span}`);
  // The hour-by-hour table knows the week: its end is closer than the mean rate's.
  const table = new PopulationPace(3, 1_000).endFor(30_000, start) - start;
  assert.ok(Math.abs(span / table - 1) < 0.02, `${(span / DAY_MS).toFixed(2)} vs table ${(table / DAY_MS).toFixed(2)} days`);
});

test('sizing: the population that pays a rate between them, and the one whose N payments span D days', () => {
  assert.ok(Math.abs(populationRatePerSecond(customersForRate(2)) - 2) < 0.001);
  const customers = customersForSpan(20_000, 10);
  const span = spanOf({ seed: 4, startTime: start, customers }, 20_000);
  assert.ok(Math.abs(span / (10 * DAY_MS) - 1) < 0.06, `${(span / DAY_MS).toFixed(2)} days with ${customers} customers`);
});

test('with a count at the population pace, the stream ends about now and never after (Kafka refuses records from the future)', () => {
  for (const [now, within] of [
    [Date.parse('2026-06-03T15:00:00Z'), 1 * HOUR],
    // At night few people pay: the last payments before now are hours apart.
    [Date.parse('2026-06-04T03:00:00Z'), 4 * HOUR],
  ] as const) {
    for (const seed of [1, 2]) {
      const plan = planStream({ seed, rate: 0, count: 40_000, now });
      assert.equal(plan.ratePerSecond, undefined);
      const end = plan.startTime + spanOf({ seed, startTime: plan.startTime, customers: plan.customers }, 40_000);
      assert.ok(end <= now && end > now - within, `ends ${((now - end) / 60_000).toFixed(0)} min before ${new Date(now).toISOString()}`);
    }
  }
});

test('with scenarios, the count includes the incidents: the stream still ends before now', () => {
  const now = Date.parse('2026-06-03T15:00:00Z');
  const plan = planStream({ seed: 5, rate: 0, count: 30_000, now, incidentShare: leastIncidentShare(DEFAULT_MIX), customers: 20_000 });
  const stream = new ScenarioStream({ seed: 5, startTime: plan.startTime, customers: plan.customers, blockedAccounts: ['B1'] });
  let last = 0;
  let sent = 0;
  for (const event of scenarioEvents(stream)) {
    last = event.atMs;
    if (++sent >= 30_000) break;
  }
  const end = plan.startTime + last;
  assert.ok(end <= now && end > now - 3 * HOUR, `ends ${((now - end) / 60_000).toFixed(0)} min before now`);
});

test('plans: live at a rate, days without a count, an explicit start', () => {
  const now = Date.parse('2026-06-03T15:00:00.123Z');
  const live = planStream({ seed: 1, rate: 2, now });
  assert.deepEqual([live.ratePerSecond, live.startTime], [2, now]);
  assert.ok(Math.abs(populationRatePerSecond(live.customers) - 2) < 0.01, 'sized so that the population pays 2 a second');
  const week = planStream({ seed: 1, rate: 0, days: 7, customers: 500, now });
  assert.deepEqual([week.customers, week.untilMs, week.startTime], [500, 7 * DAY_MS, Date.parse('2026-05-27T15:00:00Z')]);
  const fitted = planStream({ seed: 1, rate: 0, days: 5, count: 100_000, now });
  assert.equal(fitted.customers, customersForSpan(100_000, 5));
  assert.equal(planStream({ seed: 1, rate: 0, count: 10, startTime: start, now }).startTime, start);
  // A writing rate with a population keeps the population's pace: the writes are paced, not the clock.
  assert.equal(planStream({ seed: 1, rate: 50, customers: 1_000, now }).ratePerSecond, undefined);
});
