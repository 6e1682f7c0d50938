import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulesetFile, DEFAULT_RULES_FILE } from '../../src/detector/rules/load.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import { applyLabel } from '../../src/detector/features/labels.ts';
import { declareArrayField, FeatureVectorizer, featureNames } from '../../src/model/flatten.ts';
import { LabelBook } from '../../src/train/labels.ts';
import { replayHistory, type RawRecord } from '../../src/train/replay.ts';
import { newState, observeOne } from '../helpers/state.ts';
import { aLabelledHistory, DAY_MS, START } from './history.ts';

const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);

async function* recordsOf(lines: unknown[]): AsyncGenerator<RawRecord> {
  for (const line of lines) yield { value: Buffer.from(typeof line === 'string' ? line : JSON.stringify(line)), timestamp: 0 };
}

test("labels reach the features only once the stream has reached their knownAt: a card's frauds are those known by each payment's time", async () => {
  const history = aLabelledHistory(6, 2);
  const labels = new LabelBook(history.labels.map((l) => ({ ...l, knownAt: Date.parse(l.knownAt) })));
  const result = await replayHistory({
    records: recordsOf(history.transactions),
    ruleset,
    labels,
    periods: [{ name: 'all', since: START, until: START + 6 * DAY_MS }],
    maxRecordBytes: 65_536,
  });
  const last = Date.parse(history.transactions[history.transactions.length - 1]!.timestamp);
  assert.equal(result.labelsApplied, history.labels.filter((l) => Date.parse(l.knownAt) <= last).length);
  const rows = result.rows.get('all');
  assert.ok(rows);
  const column = result.names.indexOf('card.frauds');
  assert.ok(column >= 0);
  const cardOf = new Map(history.transactions.map((tx) => [tx.id, tx.card as string]));
  const { data, columns } = rows.matrix();
  let seen = 0;
  for (let i = 0; i < rows.count; i++) {
    const at = rows.eventTimes[i] as number;
    const card = cardOf.get(rows.ids[i] as string);
    const known = history.labels.filter((l) => cardOf.get(l.id) === card && Date.parse(l.knownAt) <= at).length;
    assert.equal(data[i * columns + column], known, `row ${i}`);
    seen += known;
  }
  assert.ok(seen > 0, 'some payments came after a fraud of their card became known');
});

test('rows are the features the detector computes, collected per period, history before a period warming the windows', async () => {
  const history = aLabelledHistory(4);
  const labels = new LabelBook([]);
  const since = START + 2 * DAY_MS;
  const result = await replayHistory({
    records: recordsOf([...history.transactions, '{ not json', { source: 'x' }]),
    ruleset,
    labels,
    periods: [{ name: 'late', since, until: START + 4 * DAY_MS }],
    maxRecordBytes: 65_536,
  });
  assert.equal(result.invalid, 2);
  assert.equal(result.records, history.transactions.length + 2);
  const rows = result.rows.get('late');
  assert.ok(rows);
  assert.equal(rows.count, history.transactions.filter((t) => Date.parse(t.timestamp) >= since).length);
  const names = result.names;
  assert.ok(names.includes('source.count_24h') && names.includes('time.night') && names.includes('source.new_payee'));
  assert.ok(!names.some((name) => name.startsWith('lists.')), 'block lists are policy, not model inputs');
  // Windows were warmed by the days before the period: the accounts' first late payments already have history.
  const matrix = rows.matrix();
  const history24h = names.indexOf('source.history');
  assert.ok((matrix.data[history24h] as number) > 0);
});

test('the vectorizer reads nested numbers and booleans by name, NaN for a name the object lacks', () => {
  const features = { source: { count_1h: 3, new_payee: true, note: 'x' }, time: { night: false } };
  assert.deepEqual(featureNames(features), ['source.count_1h', 'source.new_payee', 'time.night']);
  const out = new Float64Array(4);
  new FeatureVectorizer(['time.night', 'source.new_payee', 'source.count_1h', 'device.count_1h']).fill(features, out);
  assert.deepEqual([...out.subarray(0, 3)], [0, 1, 3]);
  assert.ok(Number.isNaN(out[3]));
});

test('a training target is the label known by the transaction time plus the delay; a correction wins once known', () => {
  const book = new LabelBook([
    { id: 'a', fraud: true, knownAt: 100, source: 'analyst' },
    { id: 'a', fraud: false, knownAt: 200, source: 'chargeback' },
    { id: 'b', fraud: true, knownAt: 150, source: 'chargeback' },
  ]);
  assert.equal(book.fraudAsOf('a', 99), false);
  assert.equal(book.fraudAsOf('a', 100), true);
  assert.equal(book.fraudAsOf('a', 250), false);
  assert.equal(book.fraudAsOf('b', 149), false);
  assert.equal(book.fraudAsOf('b', 150), true);
  assert.equal(book.fraudAsOf('unlabelled', 1e15), false);
  assert.equal(book.fraudEver('a'), false);
});

test('the compiled fill copies declared window and label slots: the very numbers the getters give, payment after payment', () => {
  const state = newState({ ruleset });
  const history = aLabelledHistory(40, 7);
  const labels = [...history.labels].sort((a, b) => Date.parse(a.knownAt) - Date.parse(b.knownAt));
  let names: string[] | undefined;
  let compiled: FeatureVectorizer | undefined;
  let generic: FeatureVectorizer | undefined;
  let next = 0;
  let nonZeroLabelFields = 0;
  for (const payment of history.transactions) {
    const tx = payment as unknown as Transaction;
    const at = Date.parse(payment.timestamp);
    for (; next < labels.length && Date.parse(labels[next]!.knownAt) <= at; next++) {
      const label = labels[next]!;
      applyLabel({ ...label }, Date.parse(label.knownAt), { store: state.store, transactions: state.store.transactions, channels: ruleset.channels });
    }
    const features = observeOne(state, tx, at);
    state.store.transactions.note(tx, payment.id, at, state.view.context.channel);
    names ??= featureNames(features);
    compiled ??= new FeatureVectorizer(names);
    // A name that is no plain identifier sends the whole vectorizer down the generic walk: every getter, one by one.
    generic ??= new FeatureVectorizer([...names, 'not-plain.x']);
    const fast = new Float64Array(names.length);
    const slow = new Float64Array(names.length + 1);
    compiled.fill(features, fast);
    generic.fill(features, slow);
    assert.deepEqual([...fast], [...slow.subarray(0, names.length)], `payment ${payment.id}`);
    nonZeroLabelFields += names.filter((name, i) => /\.(fraud_known_30d|matured_30d|frauds)$/.test(name) && fast[i] !== 0).length;
  }
  assert.ok(nonZeroLabelFields > 0, 'label-fed slots were exercised');
  assert.ok(names!.includes('card.count_30d') && names!.includes('merchant.fraud_rate_7d'));
});

test('a declared slot belongs to its group object: a features object whose group was replaced is bound anew', () => {
  const first = { amounts: [5, 6] };
  const second = { amounts: [7, 8] };
  const group = (source: { amounts: number[] }): object => {
    const g = {};
    Object.defineProperty(g, 'sum', { enumerable: true, get: () => source.amounts[1] });
    declareArrayField(g, 'sum', () => source.amounts, 1);
    return g;
  };
  const features: { card: object; plain: { n: number } } = { card: group(first), plain: { n: 3 } };
  const vectorizer = new FeatureVectorizer(['card.sum', 'plain.n']);
  const out = new Float64Array(2);
  vectorizer.fill(features, out);
  assert.deepEqual([...out], [6, 3]);
  first.amounts[1] = 9;
  vectorizer.fill(features, out);
  assert.deepEqual([...out], [9, 3], 'the array is read at every fill');
  features.card = group(second);
  vectorizer.fill(features, out);
  assert.deepEqual([...out], [8, 3], "the replaced group's own array");
  // Two features objects taking turns (a backtest's two sides sharing one model): each reads its own.
  const other = { card: group({ amounts: [1, 2] }), plain: { n: 4 } };
  for (let i = 0; i < 3; i++) {
    vectorizer.fill(other, out);
    assert.deepEqual([...out], [2, 4]);
    vectorizer.fill(features, out);
    assert.deepEqual([...out], [8, 3]);
  }
});
