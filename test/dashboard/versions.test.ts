import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RulesView } from '../../src/dashboard/index.ts';
import type { PublishedArtifact } from '../../src/domain/artifact.ts';
import type { ArtifactDiff, EntrySummary, HistoryView } from '../../src/registry/index.ts';
import { readAll } from '../helpers/log.ts';
import { aRulesetText } from '../registry/fixtures.ts';
import { built, eventually, openPipeline, type Pipeline } from './fixtures.ts';

const TOKEN = 'a-test-token-of-32-characters!!!';
const JSON_TYPE = { 'content-type': 'application/json' };
const SAME_ORIGIN = { origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' };

type App = Awaited<ReturnType<typeof built>>;

function post(app: App, url: string, body: unknown, headers: Record<string, string> = SAME_ORIGIN) {
  return app.inject({ method: 'POST', url, headers: { ...JSON_TYPE, ...headers }, payload: JSON.stringify(body) });
}

async function auditCount(pipeline: Pipeline): Promise<number> {
  return (await readAll(pipeline.log, pipeline.topics.audit)).length;
}

const v1 = aRulesetText({ version: 'v1', rules: [{ id: 'big', when: 'tx.amount >= 900.0', score: 60 }] });
const v2 = aRulesetText({ version: 'v2', review: 45, rules: [{ id: 'big', when: 'tx.amount >= 900.0', score: 60 }, { id: 'night', score: 20 }] });

describe('rules versions (GET /api/rules/versions, /api/rules/diff; POST /api/rules/check, /publish, /rollback)', () => {
  test('an analyst publishes from the page with a note, compares versions and rolls back; the audit topic keeps all, the rules view follows', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline, pipeline.options({ followRules: {} }));
    const first = await post(app, '/api/rules/publish', { content: v1, author: 'ana', note: 'first rules' });
    assert.equal(first.statusCode, 201, first.body);
    const entry = first.json<{ entry: EntrySummary; renamed: boolean }>().entry;
    assert.deepEqual([entry.version, entry.author, entry.note, entry.via, entry.action, entry.contentBytes], ['v1', 'ana', 'first rules', 'dashboard', 'publish', Buffer.byteLength(v1)]);
    assert.equal((await post(app, '/api/rules/publish', { content: v2, author: 'bob', note: 'night rule' })).statusCode, 201);

    const history = (await app.inject({ url: '/api/rules/versions' })).json<HistoryView>();
    assert.deepEqual(history.entries.map((item) => [item.version, item.author, item.note]), [['v2', 'bob', 'night rule'], ['v1', 'ana', 'first rules']]);
    assert.equal(history.current?.version, 'v2');
    assert.equal(history.current?.id, history.entries[0]?.id);
    assert.ok(history.entries.every((item) => !('content' in item)), 'the list carries no content');
    const shown = (await app.inject({ url: '/api/rules/versions/v1' })).json<PublishedArtifact>();
    assert.equal(shown.content, v1);
    assert.equal((await app.inject({ url: '/api/rules/versions/current' })).json<PublishedArtifact>().content, v2);

    const diff = (await app.inject({ url: '/api/rules/diff?a=v1&b=current' })).json<ArtifactDiff>();
    assert.deepEqual(diff.ruleset?.thresholds, [{ field: 'review', from: 50, to: 45 }]);
    assert.deepEqual(diff.ruleset?.rules.added.map((rule) => rule.id), ['night']);

    const rollback = await post(app, '/api/rules/rollback', { version: 'v1', author: 'carla', note: 'too many alerts' });
    assert.equal(rollback.statusCode, 201, rollback.body);
    assert.deepEqual([rollback.json<{ entry: EntrySummary }>().entry.action, rollback.json<{ entry: EntrySummary }>().entry.previous], ['rollback', 'v2']);
    assert.equal(await auditCount(pipeline), 3);
    const again = await post(app, '/api/rules/rollback', { version: 'v1', author: 'carla', note: 'twice' });
    assert.deepEqual([again.statusCode, again.json<{ status: string }>().status], [200, 'unchanged']);
    assert.equal(await auditCount(pipeline), 3, 'nothing written for what is in force already');
    await eventually(async () => ((await app.inject({ url: '/api/rules' })).json<RulesView>().ruleset?.version === 'v1' ? true : undefined), 5000, 'the rules view on v1');
  });

  test('a candidate is checked before publishing: the version it would get, and its diff against the one in force', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const none = await post(app, '/api/rules/check', { content: v1 });
    assert.deepEqual(none.json(), { version: 'v1', declaredVersion: 'v1', renamed: false, unchanged: false, summary: '1 rule(s)', diff: null });
    assert.equal((await post(app, '/api/rules/publish', { content: v1, author: 'ana', note: 'first' })).statusCode, 201);
    const edited = v2.replace('version: v2', 'version: v1');
    const checked = (await post(app, '/api/rules/check', { content: edited })).json<{ version: string; renamed: boolean; diff: ArtifactDiff }>();
    assert.match(checked.version, /^v1\+[0-9a-f]{8}$/);
    assert.equal(checked.renamed, true);
    assert.deepEqual(checked.diff.ruleset?.rules.added.map((rule) => rule.id), ['night']);
    const invalid = await post(app, '/api/rules/check', { content: 'rules: [{ id: big, when: "tx.amount >=" }]' });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json<{ code: string }>().code, 'FRAUD_RULES_INVALID');
    assert.ok(invalid.json<{ problems: string[] }>().problems.length > 0);
    assert.equal(await auditCount(pipeline), 1, 'checking writes nothing');
  });

  test('refused: no note, no author, unknown fields, an invalid ruleset, text/plain, cross-site; unknown versions are 404', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const cases: Array<[unknown, RegExp]> = [
      [{ content: v1, author: 'ana' }, /note/],
      [{ content: v1, author: 'ana', note: '   ' }, /note: is required/],
      [{ content: v1, note: 'n' }, /author/],
      [{ content: v1, author: 'ana', note: 'n', version: 'v9' }, /unrecognized/i],
      [{ content: '', author: 'ana', note: 'n' }, /content: must not be empty/],
      [{ content: 'rules: [{ id: broken }]', author: 'ana', note: 'n' }, /invalid/],
    ];
    for (const [body, reason] of cases) {
      const response = await post(app, '/api/rules/publish', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.match(response.json<{ message: string; problems?: string[] }>().message + (response.json<{ problems?: string[] }>().problems ?? []).join(), reason, JSON.stringify(body));
    }
    const plain = await app.inject({ method: 'POST', url: '/api/rules/publish', headers: { 'content-type': 'text/plain', ...SAME_ORIGIN }, payload: JSON.stringify({ content: v1, author: 'a', note: 'n' }) });
    assert.equal(plain.statusCode, 415);
    const crossSite: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of crossSite) {
      assert.equal((await post(app, '/api/rules/publish', { content: v1, author: 'a', note: 'n' }, headers)).statusCode, 403, JSON.stringify(headers));
      assert.equal((await post(app, '/api/rules/rollback', { version: 'v1', author: 'a', note: 'n' }, headers)).statusCode, 403);
    }
    assert.equal(await auditCount(pipeline), 0, 'nothing written');
    assert.equal((await app.inject({ url: '/api/rules/versions/never' })).statusCode, 404);
    assert.equal((await app.inject({ url: '/api/rules/versions/current' })).statusCode, 404, 'nothing in force yet');
    assert.equal((await app.inject({ url: '/api/rules/diff?a=never&b=current' })).statusCode, 404);
    assert.equal((await app.inject({ url: '/api/rules/diff?a=v1' })).statusCode, 400);
    const rollback = await post(app, '/api/rules/rollback', { version: 'never', author: 'a', note: 'n' });
    assert.deepEqual([rollback.statusCode, rollback.json<{ code: string }>().code], [404, 'FRAUD_RULES_VERSION_UNKNOWN']);
    assert.deepEqual((await app.inject({ url: '/api/rules/versions' })).json(), { current: null, entries: [] });
  });

  test('a ruleset with long lists (beyond the 16 KiB default body) is accepted up to 1 MiB; with a token, every route needs it', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline, pipeline.options({ host: '0.0.0.0', token: TOKEN }));
    const auth = { authorization: `Bearer ${TOKEN}` };
    const long = aRulesetText({ version: 'lists-1', blocked: Array.from({ length: 3000 }, (_, i) => `ACC${String(i).padStart(9, '0')}`) });
    assert.ok(Buffer.byteLength(long) > 16 * 1024);
    assert.equal((await post(app, '/api/rules/publish', { content: long, author: 'ana', note: 'long list' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/rules/versions' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/rules/diff?a=current&b=current' })).statusCode, 401);
    const published = await post(app, '/api/rules/publish', { content: long, author: 'ana', note: 'long list' }, auth);
    assert.equal(published.statusCode, 201, published.body);
    const huge = await post(app, '/api/rules/check', { content: 'x'.repeat(1100 * 1024) }, auth);
    assert.equal(huge.statusCode, 413);
  });
});
