import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distanceKm } from '../../src/generator/geography.ts';
import type { Customer } from '../../src/generator/population.ts';
import { localHour } from '../../src/generator/scenarios/local-time.ts';
import { SCENARIO_KINDS, ScenarioStream, scenarioEvents, type Label, type ScenarioEvent } from '../../src/generator/scenarios/index.ts';
import type { GeneratedTransaction } from '../../src/generator/traffic.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BLOCKED = ['BLOCKED00001', 'BLOCKED00002'];

/**
 * A dense stream (30 incidents of each kind per 10,000) of 400 customers over about seven
 * weeks of event time, and what a test needs to look at it.
 */
function world() {
  const stream = new ScenarioStream({
    seed: 21,
    customers: 400,
    startTime: Date.parse('2026-05-01T00:00:00Z'),
    mix: Object.fromEntries(SCENARIO_KINDS.map((kind) => [kind, 30])),
    warmupTransactions: 300,
    blockedAccounts: BLOCKED,
  });
  const events = [...scenarioEvents(stream, 13_000)];
  const customers = new Map(stream.population.customers.map((customer) => [customer.account, customer]));
  const incidents = new Map<string, Array<{ atMs: number; tx: GeneratedTransaction; label: Label }>>();
  const firstSeen = new Map<string, number>();
  const indexById = new Map(events.map((event, index) => [event.transaction.id, index]));
  events.forEach((event, index) => {
    for (const account of [event.transaction.source, event.transaction.target]) if (!firstSeen.has(account)) firstSeen.set(account, index);
    if (!event.label) return;
    const list = incidents.get(event.label.incident) ?? [];
    list.push({ atMs: event.atMs, tx: event.transaction, label: event.label });
    incidents.set(event.label.incident, list);
  });
  const customer = (account: string): Customer => {
    const found = customers.get(account);
    assert.ok(found, `${account} is a customer`);
    return found;
  };
  const of = (scenario: string) => [...incidents.values()].filter((list) => list[0]?.label.scenario === scenario);
  return { events, customer, of, firstSeen, indexOf: (id: string) => indexById.get(id) ?? -1 };
}

const w = world();

/** What the generator took as the customer's usual amount when the incident began: the median of their last 15 background payments. */
function usualBefore(account: string, firstId: string): { usual: number; history: number } {
  const before = w.events.slice(0, w.indexOf(firstId)).filter((event) => !event.label && event.transaction.source === account);
  const recent = before.slice(-15).map((event) => event.transaction.amount).sort((a, b) => a - b);
  return { usual: recent[Math.floor(recent.length / 2)] ?? 0, history: before.length };
}
const spanMs = (list: Array<{ atMs: number }>): number => (list[list.length - 1]?.atMs ?? 0) - (list[0]?.atMs ?? 0);
const kmh = (a: { atMs: number; tx: GeneratedTransaction }, b: { atMs: number; tx: GeneratedTransaction }): number =>
  distanceKm({ lat: a.tx.lat ?? 0, lon: a.tx.lon ?? 0 }, { lat: b.tx.lat ?? 0, lon: b.tx.lon ?? 0 }) / ((b.atMs - a.atMs) / HOUR);

/** Every incident of a scenario, at least `min` of them. */
function incidentsOf(scenario: string, min = 10) {
  const list = w.of(scenario);
  assert.ok(list.length >= min, `${scenario}: ${list.length} incidents`);
  return list;
}

test('card testing: 6 or more payments of at most 5.00 on the victim card at distinct online merchants within 5 minutes, from a new device', () => {
  for (const incident of incidentsOf('card-testing')) {
    const probes = incident.filter(({ tx }) => tx.amount <= 5);
    assert.ok(probes.length >= 6 && probes.length <= 15);
    assert.ok(spanMs(probes) <= 5 * MINUTE);
    assert.equal(new Set(probes.map(({ tx }) => tx.target)).size, probes.length);
    const victim = w.customer(incident[0]?.tx.source ?? '');
    for (const { tx } of incident) {
      assert.deepEqual([tx.source, tx.card, tx.channel], [victim.account, victim.card, 'ecommerce']);
      assert.notEqual(tx.device, victim.device);
      assert.ok(tx.amount >= 0.5);
    }
    assert.ok(incident.length - probes.length <= 1, 'at most one large purchase after the probes');
  }
});

test('velocity burst: 8-15 payments of one account within 2 minutes', () => {
  for (const incident of incidentsOf('velocity-burst')) {
    assert.ok(incident.length >= 8 && incident.length <= 15);
    assert.ok(spanMs(incident) <= 2 * MINUTE);
    assert.equal(new Set(incident.map(({ tx }) => tx.source)).size, 1);
  }
});

test('account takeover: new device and ip in another country, then within the hour a transfer to a never-seen payee', () => {
  for (const incident of incidentsOf('account-takeover')) {
    const victim = w.customer(incident[0]?.tx.source ?? '');
    const drain = incident[incident.length - 1];
    assert.ok(drain && incident.length >= 2 && incident.length <= 3);
    for (const { tx } of incident) {
      assert.notEqual(tx.device, victim.device);
      assert.notEqual(tx.ip, victim.ip);
      assert.notEqual(tx.country, victim.home.country);
    }
    assert.equal(drain.tx.channel, 'transfer');
    assert.ok(spanMs(incident) <= HOUR);
    assert.equal(w.firstSeen.get(drain.tx.target), w.indexOf(drain.tx.id), 'the payee is new');
    const { usual } = usualBefore(victim.account, incident[0]?.tx.id ?? '');
    assert.ok(drain.tx.amount >= 10 * usual - 0.01 && drain.tx.amount <= 40 * usual + 0.01, `${drain.tx.amount} vs usual ${usual}`);
  }
});

test('impossible travel: in person at home, then in person abroad at over 1,000 km/h', () => {
  for (const incident of incidentsOf('impossible-travel')) {
    const [home, far] = incident;
    assert.ok(home && far && incident.length === 2);
    assert.deepEqual([home.tx.channel, far.tx.channel], ['card-present', 'card-present']);
    assert.deepEqual([home.label.fraud, far.label.fraud], [false, true]);
    assert.equal(home.tx.card, far.tx.card);
    assert.ok(far.atMs - home.atMs >= 5 * MINUTE && far.atMs - home.atMs <= HOUR);
    assert.ok(kmh(home, far) > 1000, `${kmh(home, far)} km/h`);
  }
});

test('amount spike: an established customer pays 20-60 times their usual online at a resale merchant from a new ip', () => {
  for (const incident of incidentsOf('amount-spike')) {
    const [spike] = incident;
    assert.ok(spike && incident.length === 1);
    const customer = w.customer(spike.tx.source);
    const { usual, history } = usualBefore(customer.account, spike.tx.id);
    assert.ok(history >= 5, 'has history');
    assert.ok(spike.tx.amount >= 20 * usual - 0.01 || spike.tx.amount === 25_000, `${spike.tx.amount} vs usual ${usual}`);
    assert.ok(['5732', '5944', '5947'].includes(String(spike.tx.mcc)));
    assert.equal(spike.tx.channel, 'ecommerce');
    assert.equal(spike.tx.device, customer.device);
    assert.notEqual(spike.tx.ip, customer.ip);
  }
});

test('mule: 6 or more distinct senders to one new account within an hour, then it pays 5-8 new accounts within the next hour', () => {
  const fanOuts = new Map(incidentsOf('mule-fan-out').map((incident) => [incident[0]?.tx.source, incident]));
  for (const fanIn of incidentsOf('mule-fan-in')) {
    const mule = fanIn[0]?.tx.target ?? '';
    assert.ok(fanIn.every(({ tx }) => tx.target === mule && tx.channel === 'transfer'));
    assert.ok(new Set(fanIn.map(({ tx }) => tx.source)).size >= 6);
    assert.ok(spanMs(fanIn) <= HOUR);
    assert.equal(w.firstSeen.get(mule), w.indexOf(fanIn[0]?.tx.id ?? ''), 'the mule never transacted before');
    const fanOut = fanOuts.get(mule);
    assert.ok(fanOut && fanOut.length >= 5 && fanOut.length <= 8);
    assert.ok((fanOut[0]?.atMs ?? 0) > (fanIn[fanIn.length - 1]?.atMs ?? 0));
    assert.ok(spanMs(fanOut) <= HOUR);
    for (const { tx } of fanOut) assert.equal(w.firstSeen.get(tx.target), w.indexOf(tx.id), 'each payee is new');
  }
});

test('structuring: 3-5 transfers of one account, each in [9000, 10000), within a few hours', () => {
  for (const incident of incidentsOf('structuring')) {
    assert.ok(incident.length >= 3 && incident.length <= 5);
    assert.equal(new Set(incident.map(({ tx }) => tx.source)).size, 1);
    for (const { tx } of incident) assert.ok(tx.amount >= 9000 && tx.amount < 10_000 && tx.channel === 'transfer');
    assert.ok(spanMs(incident) <= 4 * HOUR);
  }
});

test('blocklist: a payment from or to a blocked account', () => {
  for (const incident of incidentsOf('blocklist')) {
    assert.ok(incident.every(({ tx }) => BLOCKED.includes(tx.source) || BLOCKED.includes(tx.target)));
  }
});

test('traveller: in person at home, then in person abroad later, at a plausible speed, with the usual device', () => {
  for (const incident of incidentsOf('traveller')) {
    const customer = w.customer(incident[0]?.tx.source ?? '');
    assert.ok(incident.length >= 2 && incident.every(({ tx, label }) => tx.channel === 'card-present' && tx.device === customer.device && !label.fraud));
    assert.notEqual(incident[1]?.tx.country, customer.home.country);
    for (let i = 1; i < incident.length; i++) assert.ok(kmh(incident[i - 1] as (typeof incident)[0], incident[i] as (typeof incident)[0]) < 800);
    const during = w.events.slice(w.indexOf(incident[0]?.tx.id ?? ''), w.indexOf(incident[incident.length - 1]?.tx.id ?? ''));
    const atHome = during.filter((event) => !event.label && event.transaction.source === customer.account && event.transaction.channel === 'card-present');
    assert.deepEqual(atHome, [], 'no in-person payment at home while abroad');
  }
});

test('one-off large: one purchase of 900-4,000 with the usual device and ip', () => {
  for (const incident of incidentsOf('one-off-large')) {
    const [purchase] = incident;
    assert.ok(purchase && incident.length === 1);
    const customer = w.customer(purchase.tx.source);
    assert.ok(purchase.tx.amount >= 900 && purchase.tx.amount <= 4000);
    assert.deepEqual([purchase.tx.device, purchase.tx.ip], [customer.device, customer.ip]);
  }
});

test('payroll: 10-30 salaries within minutes from a business with regular payments before', () => {
  for (const incident of incidentsOf('payroll')) {
    const business = incident[0]?.tx.source ?? '';
    assert.ok(incident.length >= 10 && incident.length <= 30 && spanMs(incident) <= 10 * MINUTE);
    assert.ok(incident.every(({ tx, label }) => tx.source === business && !label.fraud));
    const history = w.events.slice(0, w.indexOf(incident[0]?.tx.id ?? '')).filter((event) => event.transaction.source === business);
    assert.ok(history.length >= 4 && history.every((event) => !event.label));
  }
});

test('night owl: payments at local night (0-6 h) with the usual device', () => {
  for (const incident of incidentsOf('night-owl')) {
    const customer = w.customer(incident[0]?.tx.source ?? '');
    for (const { tx } of incident) {
      const hour = localHour(Date.parse(tx.timestamp), customer.home.country);
      assert.ok(hour >= 0 && hour < 6, `local hour ${hour}`);
      assert.equal(tx.device, customer.device);
    }
  }
});

test('victims of incidents that need a past have one: 5 or more payments, the first at least 3 days before', () => {
  const victims: Record<string, (incident: Array<{ tx: GeneratedTransaction }>) => string> = {
    'account-takeover': (incident) => incident[0]?.tx.source ?? '',
    'impossible-travel': (incident) => incident[0]?.tx.source ?? '',
    'amount-spike': (incident) => incident[0]?.tx.source ?? '',
    structuring: (incident) => incident[0]?.tx.source ?? '',
    traveller: (incident) => incident[0]?.tx.source ?? '',
    'one-off-large': (incident) => incident[0]?.tx.source ?? '',
    'night-owl': (incident) => incident[0]?.tx.source ?? '',
  };
  for (const [scenario, victimOf] of Object.entries(victims)) {
    for (const incident of incidentsOf(scenario)) {
      const first = incident[0];
      assert.ok(first);
      const before = w.events.slice(0, w.indexOf(first.tx.id)).filter((event) => !event.label && event.transaction.source === victimOf(incident));
      assert.ok(before.length >= 5, `${first.label.incident}: ${before.length} payments before`);
      assert.ok(first.atMs - (before[0]?.atMs ?? first.atMs) >= 3 * 24 * HOUR, `${first.label.incident}: history since ${(first.atMs - (before[0]?.atMs ?? 0)) / HOUR} h`);
    }
  }
});

test('incidents that need no past start from the warm-up; the others wait for a customer with one', () => {
  const firstOf = (scenario: string): number => Math.min(...w.of(scenario).map((incident) => incident[0]?.atMs ?? Number.POSITIVE_INFINITY));
  assert.ok(firstOf('card-testing') < 3 * 24 * HOUR);
  assert.ok(firstOf('account-takeover') >= 3 * 24 * HOUR);
});

test('labelled transactions of look-alikes are never fraud, and background has no label', () => {
  const labelled = w.events.filter((event: ScenarioEvent) => event.label).length;
  assert.ok(labelled > 0 && labelled < w.events.length / 2);
});
