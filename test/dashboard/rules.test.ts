import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EvidenceEvent, RulesView } from '../../src/dashboard/index.ts';
import type { DecidedTransaction } from '../../src/domain/decision.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { aDecision, built, eventually, openPipeline, started } from './fixtures.ts';
import { SseReader } from './sse-reader.ts';

type App = Awaited<ReturnType<typeof built>>;

async function rulesOnceDecided(app: App, decisions: number): Promise<RulesView> {
  return eventually(async () => {
    const view = (await app.inject({ url: '/api/rules' })).json<RulesView>();
    return view.decisions >= decisions ? view : undefined;
  }, 5000, `${decisions} decisions in the rules view`);
}

const velocity = { rule: 'velocity-burst', detail: '7 payments from acct in 60 s, limit 5' };
const large = { rule: 'seed-large-amount', detail: 'amount 950 EUR is at least 900' };

describe('rules view (GET /api/rules) and evidence (event: evidence)', () => {
  test('counts live hits from the reasons and shadow hits from the header, per rule, with versions and shares', async (t) => {
    const pipeline = await openPipeline(t);
    await pipeline.write(aDecision({ verdict: 'fraud', reasons: [velocity] })); // history: not counted
    const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
    const app = await built(pipeline, pipeline.options({ ruleset: () => ruleset }));
    await pipeline.write(aDecision(), aDecision({ verdict: 'fraud', reasons: [velocity, large] }), aDecision({ verdict: 'review', reasons: [large] }));
    await pipeline.writeWithHeaders(aDecision(), { shadow: ['night-shift-probe'] });
    await pipeline.writeWithHeaders(aDecision({ verdict: 'fraud', reasons: [velocity] }), { shadow: ['night-shift-probe'] });

    const view = await rulesOnceDecided(app, 5);
    assert.equal(view.decisions, 5);
    assert.deepEqual(view.ruleset, { version: ruleset.version, thresholds: ruleset.thresholds });
    assert.deepEqual(view.versions.map((version) => [version.version, version.decisions]), [['test-1', 5]]);
    const byId = new Map(view.rules.map((rule) => [rule.id, rule]));
    assert.deepEqual(view.rules.slice(0, ruleset.rules.length).map((rule) => rule.id), ruleset.rules.map((rule) => rule.id), 'the ruleset order first');
    const burst = byId.get('velocity-burst');
    assert.equal(burst?.hits, 2);
    assert.equal(burst?.shadowHits, 0);
    assert.equal(burst?.mode, 'live');
    assert.equal(burst?.share, 2 / 5);
    assert.equal(burst?.description, ruleset.rules.find((rule) => rule.id === 'velocity-burst')?.description);
    assert.equal(burst?.score, 80);
    assert.ok(burst?.lastHitAt !== null && Date.parse(burst?.lastHitAt ?? '') > 0);
    assert.equal(byId.get('seed-large-amount')?.hits, 2);
    const probe = byId.get('night-shift-probe');
    assert.deepEqual([probe?.hits, probe?.shadowHits, probe?.mode, probe?.description], [0, 2, 'shadow', null], 'a shadow rule the ruleset does not know');
    assert.equal(byId.get('card-testing')?.hits, 0, 'known rules are listed without hits');
    assert.deepEqual(byId.get('card-testing')?.feedback, { confirmed: 0, falsePositives: 0, precision: null });
  });

  test('follows the ruleset file and the rules topic when asked to (fraud dashboard, fraud run)', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline, pipeline.options({ followRules: {} }));
    const view = (await app.inject({ url: '/api/rules' })).json<RulesView>();
    assert.equal(view.ruleset?.version, loadRulesetFile(DEFAULT_RULES_FILE).version);
    assert.ok(view.rules.every((rule) => rule.description !== null && rule.mode !== null));

    const published = { version: 'published-2', rules: [{ id: 'only-rule', description: 'The only one.', when: 'tx.amount > 1.0', score: 10, reason: 'x' }] };
    await pipeline.producer.send([{ topic: pipeline.topics.rules, key: 'ruleset', value: JSON.stringify(published) }]);
    const next = await eventually(async () => {
      const current = (await app.inject({ url: '/api/rules' })).json<RulesView>();
      return current.ruleset?.version === 'published-2' ? current : undefined;
    }, 5000, 'the published ruleset');
    assert.deepEqual(next.rules.map((rule) => [rule.id, rule.description]), [['only-rule', 'The only one.']]);
  });

  test('without a ruleset, rules are known by the ids seen in decisions', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    await pipeline.write(aDecision({ verdict: 'fraud', reasons: [velocity] }));
    const view = await rulesOnceDecided(app, 1);
    assert.equal(view.ruleset, null);
    assert.deepEqual(view.rules.map((rule) => [rule.id, rule.hits, rule.mode, rule.description]), [['velocity-burst', 1, 'live', null]]);
  });

  test('an SSE client receives the evidence right after its decision, under the same id; decision data stays the record', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline);
    const reader = await SseReader.open(new URL('/events', dashboard.url).href);
    pipeline.defer(() => reader.close());
    await reader.waitFor('hello');
    const flagged = aDecision({ verdict: 'fraud', reasons: [velocity, large] });
    const evidence = { 'velocity-burst': { 'f.source.count_1m': 7 }, 'seed-large-amount': { 'tx.amount': 950, 'tx.note': '<b>bold</b>' } };
    await pipeline.writeWithHeaders(flagged, { evidence, shadow: ['night-shift-probe'] });
    await pipeline.write(aDecision());
    await reader.waitFor('decision', 2);
    const [event] = await reader.waitFor('evidence', 1);
    const data = JSON.parse(event?.data ?? '{}') as EvidenceEvent;
    assert.deepEqual(data, { id: flagged.id, evidence, shadow: ['night-shift-probe'] });
    const order = reader.events.filter((item) => item.event === 'decision' || item.event === 'evidence');
    assert.deepEqual(order.map((item) => item.event), ['decision', 'evidence', 'decision'], 'the evidence follows its decision; a legit decision without headers has none');
    assert.equal(order[1]?.id, order[0]?.id);
    assert.deepEqual(JSON.parse(order[0]?.data ?? '{}') as DecidedTransaction, flagged);
  });

  test('evidence headers that are not the expected JSON are ignored, the decision still streams', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline);
    const reader = await SseReader.open(new URL('/events', dashboard.url).href);
    pipeline.defer(() => reader.close());
    const flagged = aDecision({ verdict: 'fraud' });
    await pipeline.producer.send([
      { topic: pipeline.topics.fraud, key: 'k', value: JSON.stringify(flagged), headers: { 'fraud-evidence': '{not json', 'fraud-shadow': '"one"' } },
    ]);
    await reader.waitFor('decision', 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(reader.of('evidence').length, 0);
  });
});
