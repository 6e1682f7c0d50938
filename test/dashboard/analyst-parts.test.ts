import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decisionFacts, evidenceJson } from '../../src/dashboard/decision-facts.ts';
import type { FeedbackRecord } from '../../src/dashboard/feedback-schema.ts';
import { FeedbackStore } from '../../src/dashboard/feedback-store.ts';
import { FlaggedIndex } from '../../src/dashboard/flagged.ts';
import { RuleStats } from '../../src/dashboard/rule-stats.ts';
import { Sampler } from '../../src/dashboard/sampler.ts';
import { crossSiteReason } from '../../src/dashboard/security.ts';
import type { FeedDecision } from '../../src/dashboard/types.ts';

let sequence = 0;

/** A decoded decision as the feed hands it over. */
function aFeedDecision(overrides: Partial<FeedDecision['facts']> & { verdict?: FeedDecision['verdict']; live?: boolean; timestamp?: number } = {}): FeedDecision {
  const { verdict = 'fraud', live = true, timestamp = 1000, ...facts } = overrides;
  sequence++;
  return {
    kind: 'decision',
    verdict,
    json: '{}',
    timestamp,
    latencyMs: undefined,
    live,
    facts: { id: `tx-${sequence}`, rules: [], shadow: [], rulesVersion: 'v1', ...facts },
    evidence: undefined,
  };
}

function aFeedback(overrides: Partial<FeedbackRecord> = {}): FeedbackRecord {
  sequence++;
  return { id: `tx-${sequence}`, label: 'fraud', rules: [], ...overrides };
}

describe('analyst parts', () => {
  test('precision per rule is confirmed / (confirmed + false positives) over the reviewed decisions it fired on', () => {
    const store = new FeedbackStore({ reviews: 100, rules: 100 });
    store.add(aFeedback({ label: 'fraud', rules: ['velocity', 'large'] }));
    store.add(aFeedback({ label: 'fraud', rules: ['velocity'] }));
    store.add(aFeedback({ label: 'legit', rules: ['large'] }));
    store.add(aFeedback({ label: 'legit', rules: ['velocity', 'large'] }));
    const precision = store.precision();
    assert.deepEqual(precision.rules.velocity, { confirmed: 2, falsePositives: 1, precision: 2 / 3 });
    assert.deepEqual(precision.rules.large, { confirmed: 1, falsePositives: 2, precision: 1 / 3 });
    assert.deepEqual(precision.overall, { confirmed: 2, falsePositives: 2, precision: 0.5 });
    assert.deepEqual(new FeedbackStore({ reviews: 1, rules: 1 }).precision().overall, { confirmed: 0, falsePositives: 0, precision: null });
  });

  test('a later verdict on the same transaction replaces the earlier one instead of counting twice', () => {
    const store = new FeedbackStore({ reviews: 100, rules: 100 });
    store.add(aFeedback({ id: 'tx-a', label: 'fraud', rules: ['velocity'] }));
    store.add(aFeedback({ id: 'tx-b', label: 'fraud', rules: ['velocity'] }));
    store.add(aFeedback({ id: 'tx-a', label: 'legit', rules: ['velocity'], analyst: 'bo' }));
    assert.deepEqual(store.precision().rules.velocity, { confirmed: 1, falsePositives: 1, precision: 0.5 });
    assert.deepEqual(store.reviews(10).map((review) => [review.id, review.label, review.analyst]), [['tx-a', 'legit', 'bo'], ['tx-b', 'fraud', undefined]]);
  });

  test('the feedback store keeps a bounded number of reviews and rules', () => {
    const store = new FeedbackStore({ reviews: 3, rules: 2 });
    for (let i = 0; i < 10; i++) store.add(aFeedback({ rules: [`rule-${i}`] }));
    assert.equal(store.reviews(100).length, 3);
    assert.deepEqual(Object.keys(store.precision().rules), ['rule-0', 'rule-1']);
    assert.equal(store.precision().overall.confirmed, 10, 'the overall count keeps every verdict');
  });

  test('the flagged index keeps review and fraud decisions with an id, newest, bounded', () => {
    const index = new FlaggedIndex(2);
    const [a, b, c] = [aFeedDecision({ rules: ['r1'] }), aFeedDecision({ verdict: 'review' }), aFeedDecision()];
    index.remember(aFeedDecision({ verdict: 'legit', id: 'legit-one' }));
    index.remember(aFeedDecision({ id: '' }));
    for (const item of [a, b, c]) index.remember(item);
    assert.equal(index.size, 2);
    assert.equal(index.get(a.facts.id), undefined, 'the oldest left');
    assert.deepEqual(index.get(b.facts.id), { id: b.facts.id, verdict: 'review', rules: [], rulesVersion: 'v1' });
    assert.equal(index.get('legit-one'), undefined);
  });

  test('rule stats count live hits, shadow hits and versions of live decisions; history only names versions', () => {
    const stats = new RuleStats(0, { maxRules: 10, maxVersions: 2 });
    stats.record(aFeedDecision({ rules: ['velocity'], live: false, rulesVersion: 'v0', timestamp: 500 }), 1000);
    stats.record(aFeedDecision({ rules: ['velocity', 'large'], timestamp: 1000 }), 1000);
    stats.record(aFeedDecision({ verdict: 'legit', shadow: ['probe'], timestamp: 2000 }), 2000);
    stats.record(aFeedDecision({ verdict: 'legit', rulesVersion: 'v2', timestamp: 3000 }), 3000);
    const snapshot = stats.snapshot(61_000);
    assert.equal(snapshot.decisions, 3);
    assert.deepEqual(snapshot.rules.map((rule) => [rule.id, rule.hits, rule.shadowHits, rule.share]), [
      ['velocity', 1, 0, 1 / 3],
      ['large', 1, 0, 1 / 3],
      ['probe', 0, 1, 1 / 3],
    ]);
    assert.deepEqual(snapshot.versions.map((version) => [version.version, version.decisions]), [['v2', 1], ['v1', 2]], 'the stalest version left');
  });

  test('decision facts and evidence are read defensively from the record and its headers', () => {
    const value = { id: 'tx-1', decision: { rules: 'v3', reasons: [{ rule: 'a' }, { rule: 'a' }, { rule: 7 }, 'x', { rule: 'b' }] } };
    const headers = { 'fraud-shadow': '["s1", 2, "s2"]', 'fraud-evidence': '{"a": {"tx.amount": 950}, "b": 3}' };
    const facts = decisionFacts(value, value.decision, headers);
    assert.deepEqual(facts, { id: 'tx-1', rules: ['a', 'b'], shadow: ['s1', 's2'], rulesVersion: 'v3' });
    assert.deepEqual(JSON.parse(evidenceJson(facts, headers) ?? 'null'), { id: 'tx-1', evidence: { a: { 'tx.amount': 950 } }, shadow: ['s1', 's2'] });
    const bare = decisionFacts({}, { reasons: 'none' }, { 'fraud-shadow': 'oops' });
    assert.deepEqual(bare, { id: '', rules: [], shadow: [], rulesVersion: '' });
    assert.equal(evidenceJson(bare, { 'fraud-evidence': '[1]' }), undefined);
  });

  test('the sampler ceiling counts a decision with evidence as the two events it is on the wire', () => {
    const sampler = new Sampler({ sampleAbovePerSecond: 1_000_000, sampledLegitPerSecond: 10, maxEventsPerSecond: 100 });
    let kept = 0;
    for (let i = 0; i < 500; i++) if (sampler.admit({ ...aFeedDecision(), evidence: '{}' }, 5_000_000)) kept++;
    assert.equal(kept, 50);
  });

  test('cross-site requests: Sec-Fetch-Site first, else Origin against Host, else not a browser', () => {
    assert.equal(crossSiteReason({ 'sec-fetch-site': 'same-origin', host: 'a:1' }), undefined);
    assert.equal(crossSiteReason({ 'sec-fetch-site': 'none' }), undefined);
    assert.match(crossSiteReason({ 'sec-fetch-site': 'same-site' }) ?? '', /cross-site/);
    assert.match(crossSiteReason({ 'sec-fetch-site': 'cross-site', origin: 'http://a:1', host: 'a:1' }) ?? '', /cross-site/);
    assert.equal(crossSiteReason({ origin: 'http://127.0.0.1:5000', host: '127.0.0.1:5000' }), undefined);
    assert.equal(crossSiteReason({ origin: 'https://dash.example', host: 'dash.example:443' }), undefined, 'default ports match');
    assert.match(crossSiteReason({ origin: 'http://127.0.0.1:5001', host: '127.0.0.1:5000' }) ?? '', /cross-site/);
    assert.match(crossSiteReason({ origin: 'null', host: '127.0.0.1:5000' }) ?? '', /cross-site/);
    assert.match(crossSiteReason({ origin: 'http://127.0.0.1:5000' }) ?? '', /cross-site/, 'no Host to match');
    assert.equal(crossSiteReason({}), undefined);
  });
});
