import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, score } from '../../src/eval/score.ts';
import { aLabel, verdicts } from './fixtures.ts';

/**
 * Two card-testing incidents (one caught at step 2), an impossible-travel incident whose
 * genuine first step is flagged too, two look-alikes and four background transactions.
 */
const labels = [
  aLabel('card-testing-1', 1),
  aLabel('card-testing-1', 2),
  aLabel('card-testing-1', 3),
  aLabel('card-testing-2', 1),
  aLabel('card-testing-2', 2),
  aLabel('impossible-travel-1', 1, { fraud: false }),
  aLabel('impossible-travel-1', 2),
  aLabel('traveller-1', 1, { fraud: false }),
  aLabel('traveller-1', 2, { fraud: false }),
  aLabel('one-off-large-1', 1, { fraud: false }),
];
const decided = verdicts([
  ['card-testing-1/1', 'legit'],
  ['card-testing-1/2', 'review'],
  ['card-testing-1/3', 'fraud'],
  ['card-testing-2/1', 'legit'],
  ['card-testing-2/2', 'legit'],
  ['impossible-travel-1/1', 'review'],
  ['impossible-travel-1/2', 'fraud'],
  ['traveller-1/1', 'legit'],
  ['traveller-1/2', 'review'],
  ['one-off-large-1/1', 'fraud'],
  ['bg-1', 'legit'],
  ['bg-2', 'legit'],
  ['bg-3', 'fraud'],
  ['bg-4', 'legit'],
]);

test('per transaction: review and fraud are positives; precision, recall and F1', () => {
  const { transactions } = score({ labels, verdicts: decided });
  assert.deepEqual(
    { ...transactions, precision: undefined, f1: undefined },
    { transactions: 14, fraud: 6, flagged: 7, truePositives: 3, falsePositives: 4, falseNegatives: 3, precision: undefined, recall: 0.5, f1: undefined },
  );
  assert.equal(transactions.precision, 3 / 7);
  assert.ok(Math.abs((transactions.f1 ?? 0) - 6 / 13) < 1e-12);
});

test('per scenario: recall counts incidents caught; first alert is the step of the first flagged fraud transaction', () => {
  const { scenarios } = score({ labels, verdicts: decided });
  assert.deepEqual(scenarios, [
    { scenario: 'card-testing', incidents: 2, caught: 1, recall: 0.5, fraudTransactions: 5, flaggedTransactions: 2, firstAlert: { median: 2, max: 2 } },
    { scenario: 'impossible-travel', incidents: 1, caught: 1, recall: 1, fraudTransactions: 1, flaggedTransactions: 1, firstAlert: { median: 2, max: 2 } },
  ]);
});

test('a flagged genuine step does not make an incident caught', () => {
  const { scenarios } = score({ labels, verdicts: verdicts([...decided, ['impossible-travel-1/2', 'legit']]) });
  assert.deepEqual(scenarios.find((s) => s.scenario === 'impossible-travel'), {
    scenario: 'impossible-travel',
    incidents: 1,
    caught: 0,
    recall: 0,
    fraudTransactions: 1,
    flaggedTransactions: 0,
    firstAlert: null,
  });
});

test('false positives on look-alikes, per kind and overall, and on background', () => {
  const { lookAlikes, background } = score({ labels, verdicts: decided });
  assert.deepEqual(lookAlikes.kinds, [
    { scenario: 'traveller', incidents: 1, transactions: 2, flagged: 1, rate: 0.5 },
    { scenario: 'one-off-large', incidents: 1, transactions: 1, flagged: 1, rate: 1 },
  ]);
  assert.deepEqual(lookAlikes.overall, { transactions: 3, flagged: 2, rate: 2 / 3 });
  assert.deepEqual(background, { transactions: 4, flagged: 1, rate: 0.25 });
});

test('a labelled transaction without a decision is undecided and counts as missed', () => {
  const scores = score({ labels: [...labels, aLabel('card-testing-3', 1)], verdicts: decided });
  assert.equal(scores.undecided, 1);
  assert.equal(scores.transactions.transactions, 15);
  assert.equal(scores.transactions.falseNegatives, 4);
  assert.equal(scores.scenarios[0]?.incidents, 3);
  assert.equal(scores.scenarios[0]?.caught, 1);
});

test('nothing to divide by gives null, not NaN or zero', () => {
  const scores = score({ labels: [], verdicts: verdicts([['bg-1', 'legit']]) });
  assert.deepEqual([scores.transactions.precision, scores.transactions.recall, scores.transactions.f1], [null, null, null]);
  assert.deepEqual(scores.scenarios, []);
  assert.deepEqual(scores.lookAlikes.overall, { transactions: 0, flagged: 0, rate: null });
});

test('first alert: median and max over caught incidents', () => {
  const many = [aLabel('mule-fan-in-1', 1), aLabel('mule-fan-in-1', 2), aLabel('mule-fan-in-2', 1), aLabel('mule-fan-in-3', 1), aLabel('mule-fan-in-3', 2)];
  const caught = verdicts([
    ['mule-fan-in-1/1', 'legit'],
    ['mule-fan-in-1/2', 'review'],
    ['mule-fan-in-2/1', 'fraud'],
    ['mule-fan-in-3/1', 'legit'],
    ['mule-fan-in-3/2', 'legit'],
  ]);
  assert.deepEqual(score({ labels: many, verdicts: caught }).scenarios[0]?.firstAlert, { median: 1.5, max: 2 });
  assert.equal(median([3, 1, 10]), 3);
  assert.equal(median([4, 1]), 2.5);
});

test('scenarios come in catalogue order, unknown ones after them by name', () => {
  const mixed = [aLabel('structuring-1', 1), aLabel('zzz-1', 1), aLabel('card-testing-1', 1), aLabel('aaa-1', 1)];
  const names = score({ labels: mixed, verdicts: verdicts([]) }).scenarios.map((s) => s.scenario);
  assert.deepEqual(names, ['card-testing', 'structuring', 'aaa', 'zzz']);
});

test('ranking: AUC, AP and CP@100 of the scores, fraud as labelled, every unlabelled transaction legit', () => {
  const ranked = new Map([
    ['card-testing-1/1', { score: 90, card: 'C1', day: '2026-05-01' }],
    ['bg-1', { score: 80, card: 'C2', day: '2026-05-01' }],
    ['impossible-travel-1/2', { score: 70, card: 'C3', day: '2026-05-01' }],
    ['bg-2', { score: 10, card: 'C4', day: '2026-05-02' }],
    ['card-testing-2/1', { score: 5, card: 'C5', day: '2026-05-02' }],
    ['traveller-1/1', { score: 0, card: 'C6', day: '2026-05-02' }],
  ]);
  const { ranking } = score({ labels, verdicts: decided, ranked });
  assert.ok(ranking);
  // Frauds at ranks 1, 3, 5 of 6: 6 of the 9 fraud-legit pairs are ordered right.
  assert.equal(ranking.aucRoc, 6 / 9);
  // Precision at each fraud found: 1/1, 2/3, 3/5.
  assert.ok(Math.abs((ranking.averagePrecision ?? 0) - (1 + 2 / 3 + 3 / 5) / 3) < 1e-12);
  // Day 1: 2 of its 3 cards paid a fraud; day 2: 1 of 3. Out of 100 each.
  assert.equal(ranking.days, 2);
  assert.ok(Math.abs((ranking.cardPrecisionAt100 ?? 0) - (2 / 100 + 1 / 100) / 2) < 1e-12);
  assert.equal(score({ labels, verdicts: decided }).ranking, null, 'no scores read, no ranking');
});

test('ranking: equal scores are ordered against the detector, so a constant score gets no CP@100 by luck', () => {
  const many = Array.from({ length: 150 }, (_, i) => aLabel(`card-testing-${i + 1}`, 1, { fraud: i < 50 }));
  const ranked = new Map(many.map((label, i) => [label.id, { score: 0, card: `C${i}`, day: '2026-05-01' }]));
  const { ranking } = score({ labels: many, verdicts: new Map(many.map((label) => [label.id, 'legit' as const])), ranked });
  assert.equal(ranking?.aucRoc, 0.5);
  assert.equal(ranking?.cardPrecisionAt100, 0, 'the 100 legit cards come first');
});
