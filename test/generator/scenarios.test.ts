import assert from 'node:assert/strict';
import { parseLabel } from '../../src/domain/label.ts';
import { test } from 'node:test';
import { parseTransaction } from '../../src/domain/validation.ts';
import { isFraudError } from '../../src/errors.ts';
import { planStream } from '../../src/generator/plan.ts';
import {
  FRAUD_SCENARIOS,
  LOOK_ALIKE_SCENARIOS,
  parseMix,
  resolveMix,
  ScenarioStream,
  scenarioEvents,
  scenarioItems,
  SCENARIO_LABEL_DELAY_DAYS,
  type ScenarioEvent,
  type ScenarioOptions,
} from '../../src/generator/scenarios/index.ts';

const start = Date.parse('2026-05-01T00:00:00Z');
/** 300 customers: 4,000 transactions are three weeks of them, so victims with a history exist. */
const options = (overrides: Partial<ScenarioOptions> = {}): ScenarioOptions => ({
  seed: 7,
  customers: 300,
  startTime: start,
  blockedAccounts: ['BLOCKED00001'],
  mix: { 'card-testing': 20, mule: 20, payroll: 20, blocklist: 20 },
  warmupTransactions: 300,
  ...overrides,
});
const take = (overrides: Partial<ScenarioOptions> = {}, count = 4000): ScenarioEvent[] => [...scenarioEvents(new ScenarioStream(options(overrides)), count)];
const serialise = (events: ScenarioEvent[]): string => events.map((event) => JSON.stringify(event)).join('\n');
/** The stream most tests look at, made once. */
const base = take();

test('the same seed and start time give the same stream, byte for byte', () => {
  assert.equal(serialise(take()), serialise(base));
});

test('another seed gives another stream', () => {
  assert.notEqual(serialise(take({ seed: 8 }, 500)), serialise(take({}, 500)));
});

test("changing one scenario's mix leaves the background and every other incident unchanged", () => {
  const isCardTesting = (event: ScenarioEvent): boolean => event.label?.scenario === 'card-testing';
  const withIt = base.filter((event) => !isCardTesting(event));
  const without = take({ mix: { 'card-testing': 0, mule: 20, payroll: 20, blocklist: 20 } });
  assert.ok(base.some(isCardTesting));
  assert.equal(serialise(without.slice(0, 3000)), serialise(withIt.slice(0, 3000)));
});

test('every transaction is valid under the contract, with an id, a timestamp and the context fields', () => {
  for (const { transaction } of base) {
    const parsed = parseTransaction(Buffer.from(JSON.stringify(transaction)), { maxRecordBytes: 65_536 });
    assert.ok(parsed.ok, JSON.stringify(transaction));
    assert.match(transaction.id, /^tx-/);
    for (const field of ['card', 'device', 'ip', 'channel', 'country'] as const) assert.ok(transaction[field], `${field} in ${JSON.stringify(transaction)}`);
  }
});

test('simulated time never goes back, and timestamps follow it', () => {
  let last = -1;
  for (const { atMs, transaction } of base) {
    assert.ok(atMs >= last, `${atMs} after ${last}`);
    assert.equal(Date.parse(transaction.timestamp), start + Math.round(atMs));
    last = atMs;
  }
});

test('ids do not repeat, and each label names its own transaction', () => {
  const events = base;
  assert.equal(new Set(events.map((event) => event.transaction.id)).size, events.length);
  for (const { transaction, label } of events) if (label) assert.equal(label.id, transaction.id);
});

test('steps number the labelled transactions of an incident from 1, in time order, all of one scenario', () => {
  const steps = new Map<string, { scenario: string; steps: number[] }>();
  for (const { label } of base) {
    if (!label) continue;
    const incident = steps.get(label.incident) ?? { scenario: label.scenario, steps: [] };
    assert.equal(incident.scenario, label.scenario);
    incident.steps.push(label.step);
    steps.set(label.incident, incident);
  }
  assert.ok(steps.size > 20);
  for (const [incident, { steps: seen }] of steps) assert.deepEqual(seen, seen.map((_, index) => index + 1), incident);
});

test('fraud flags: fraud scenarios are fraud (but the genuine cardholder before a clone), look-alikes are legit', () => {
  const seen = new Set<string>();
  for (const { label } of take({}, 6000)) {
    if (!label) continue;
    seen.add(label.scenario);
    const genuine = label.scenario === 'impossible-travel' && label.step === 1;
    assert.equal(label.fraud, (FRAUD_SCENARIOS as readonly string[]).includes(label.scenario) && !genuine, JSON.stringify(label));
  }
  assert.deepEqual([...seen].sort(), [...FRAUD_SCENARIOS, ...LOOK_ALIKE_SCENARIOS].sort());
});

test('a finite stream ends with whole incidents: every incident started is complete', () => {
  // Cut the stream in the middle of an incident of the reference stream: the cut one ends it.
  const stepsOf = (events: ScenarioEvent[]): Map<string, number> => {
    const steps = new Map<string, number>();
    for (const { label } of events) if (label) steps.set(label.incident, (steps.get(label.incident) ?? 0) + 1);
    return steps;
  };
  const all = stepsOf(base);
  const cut = base.findIndex((event, index) => index > 1000 && event.label !== undefined && event.label.step === 1 && (all.get(event.label.incident) ?? 0) > 3) + 2;
  assert.ok(cut > 1000);
  const stream = new ScenarioStream(options());
  const events = [...scenarioEvents(stream, cut)];
  assert.ok(events.length > cut, 'the incidents under way were finished');
  for (const [incident, steps] of stepsOf(events)) assert.equal(steps, all.get(incident), incident);
  assert.equal(stream.drain().length, 0);
});

test('default mix, a month of 2,000 customers: fraud is 2-4% of transactions and each kind has 15 or more incidents in 40,000', () => {
  const stream = new ScenarioStream({ seed: 3, customers: 2_000, startTime: start, blockedAccounts: ['B1'] });
  const events = [...scenarioEvents(stream, 40_000)];
  const share = events.filter((event) => event.label?.fraud).length / events.length;
  assert.ok(share > 0.02 && share < 0.04, `fraud share ${share}`);
  for (const [scenario, incidents] of stream.incidents) assert.ok(incidents >= 15 && incidents <= 30, `${scenario}: ${incidents}`);
  assert.equal(stream.incidents.size, FRAUD_SCENARIOS.length + LOOK_ALIKE_SCENARIOS.length);
  const days = (events[events.length - 1]?.atMs ?? 0) / 86_400_000;
  assert.ok(days > 25 && days < 35, `spans ${days.toFixed(1)} days`);
});

test('at the population\'s pace (fraud produce --scenarios --rate 0), 6 payments from one account within 60 s happen in incidents only', () => {
  const plan = planStream({ seed: 9, rate: 0, count: 50_000, now: Date.parse('2026-06-10T12:00:00Z') });
  const stream = new ScenarioStream({ seed: 9, customers: plan.customers, startTime: plan.startTime, blockedAccounts: ['B1'] });
  const events = [...scenarioEvents(stream, 50_000)];
  const fastIn = (selected: ScenarioEvent[]): number => {
    const times = new Map<string, number[]>();
    let fast = 0;
    for (const { atMs, transaction } of selected) {
      const list = times.get(transaction.source) ?? [];
      list.push(atMs);
      times.set(transaction.source, list);
      if (list.length >= 6 && atMs - (list[list.length - 6] as number) <= 60_000) fast++;
    }
    return fast;
  };
  const background = events.filter((event) => !event.label);
  assert.ok(fastIn(background) / background.length < 0.0005, `${fastIn(background)} of ${background.length} background payments`);
  assert.ok(fastIn(events) > 0, 'the velocity bursts and card testing are there');
  assert.ok(fastIn(events) / events.length < 0.01, `${fastIn(events)} of ${events.length} in all`);
});

test('items carry the transaction keyed by source and its label keyed by transaction id', () => {
  const items = [...scenarioItems(base.slice(0, 1500), { transactions: 'tx-topic', labels: 'label-topic' })];
  assert.ok(items.some((item) => item.records.length === 2));
  for (const item of items) {
    const [record, label] = item.records;
    const transaction = JSON.parse(String(record?.value)) as { id: string; source: string };
    assert.deepEqual([record?.topic, record?.key], ['tx-topic', transaction.source]);
    assert.equal(item.display, record?.value);
    if (label) assert.deepEqual([label.topic, label.key, (JSON.parse(String(label.value)) as { id: string }).id], ['label-topic', transaction.id, transaction.id]);
  }
});

test('scenario labels on the topic are the contract\'s labels, known a chargeback delay after their transaction', () => {
  const items = [...scenarioItems(base.slice(0, 1500), { transactions: 'tx-topic', labels: 'label-topic' }, false, 3)];
  const pairs = items.filter((item) => item.records.length === 2);
  assert.ok(pairs.length > 0);
  for (const item of pairs) {
    const transaction = JSON.parse(String(item.records[0]?.value)) as { id: string; timestamp: string; source: string; target: string };
    const value = item.records[1]?.value ?? null;
    const parsed = parseLabel(typeof value === 'string' ? Buffer.from(value) : value);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.equal(parsed.label.source, 'scenario');
    assert.equal(parsed.knownAt, Date.parse(transaction.timestamp) + 3 * 86_400_000);
    assert.deepEqual([parsed.label.timestamp, parsed.label.account, parsed.label.target], [transaction.timestamp, transaction.source, transaction.target]);
    assert.ok(typeof parsed.label.scenario === 'string' && typeof parsed.label.step === 'number', 'the scenario\'s own fields stay');
  }
  const defaults = [...scenarioItems(base.slice(0, 1500), { transactions: 'tx-topic', labels: 'label-topic' })].find((item) => item.records.length === 2);
  const label = JSON.parse(String(defaults?.records[1]?.value)) as { knownAt: string; timestamp: string };
  assert.equal(Date.parse(label.knownAt) - Date.parse(label.timestamp), SCENARIO_LABEL_DELAY_DAYS * 86_400_000);
});

test('the blocklist scenario is skipped, with a note, when the ruleset blocks no account', () => {
  assert.equal(resolveMix({}, []).mix.blocklist, 0);
  assert.match(resolveMix({}, []).notes[0] ?? '', /blocklist/);
  assert.deepEqual(resolveMix({}, ['A']).notes, []);
  const stream = new ScenarioStream(options({ blockedAccounts: [] }));
  assert.ok(![...scenarioEvents(stream, 3000)].some((event) => event.label?.scenario === 'blocklist'));
});

test('--mix is parsed, and every mistake in it is reported with FRAUD_USAGE', () => {
  assert.deepEqual(parseMix('card-testing=8, payroll=0'), { 'card-testing': 8, payroll: 0 });
  assert.throws(
    () => parseMix('nope=1,mule=x'),
    (error: unknown) => isFraudError(error, 'FRAUD_USAGE') && error.problems.length === 2,
  );
});
