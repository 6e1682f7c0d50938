import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parsePublishedArtifact } from '../../src/domain/artifact.ts';
import { compileRuleset } from '../../src/detector/rules/ruleset.ts';
import { RulesetSource } from '../../src/detector/rules/source.ts';
import type { Log } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ArtifactRegistry, compareArtifacts, versionSide } from '../../src/registry/index.ts';
import { eventually, readAll } from '../helpers/log.ts';
import { randomTopic } from '../helpers/topics.ts';
import { ModelSource } from '../../src/detector/model/source.ts';
import { anAmountModel } from '../detector/model-fixture.ts';
import { anEntry, aRulesetText } from './fixtures.ts';

export interface RegistryTarget {
  open: () => Promise<Log>;
  options?: { skip?: string; timeout?: number };
}

const sign = { author: 'ana', note: 'first rules', via: 'cli' } as const;

/**
 * Publish, history, diff and rollback, run against the embedded log and against Kafka
 * alike: the registry uses the Log interface only, so both must answer the same.
 */
export function describeRegistry(name: string, target: RegistryTarget): void {
  describe(`ruleset versions and audit: ${name}`, { timeout: 60_000, ...target.options }, () => {
    let log: Log;
    const closers: Array<() => Promise<unknown>> = [];
    before(async () => {
      log = await target.open();
    });
    after(async () => {
      for (const close of closers.reverse()) await close();
      await log?.close();
    });

    async function fresh(): Promise<{ registry: ArtifactRegistry; topics: { rules: string; audit: string } }> {
      const topics = { rules: randomTopic('rules'), audit: randomTopic('audit') };
      await log.ensureTopics([{ name: topics.rules, partitions: 1, compacted: true }, { name: topics.audit, partitions: 1, keepForever: true }]);
      const registry = new ArtifactRegistry({ log, topics, logger: silentLogger() });
      closers.push(() => registry.close());
      return { registry, topics };
    }

    /** A detector's ruleset source following the rules topic, as `fraud detect` runs it. */
    async function follower(topic: string): Promise<RulesetSource> {
      const source = new RulesetSource(compileRuleset({ version: 'file', rules: [] }), silentLogger(), 0);
      const stop = new AbortController();
      await source.followTopic(log, topic, stop.signal);
      closers.push(async () => {
        stop.abort();
        await source.close();
      });
      return source;
    }

    const inForceBy = async (source: RulesetSource, version: string): Promise<void> => {
      assert.ok(await eventually(async () => source.current().version === version, 10_000, 50), `${version} in force, found ${source.current().version}`);
    };

    test('publish, history, diff and rollback: every publication kept with author, note and time; detectors follow each', async () => {
      const { registry, topics } = await fresh();
      const source = await follower(topics.rules);
      const v1 = aRulesetText({ version: 'v1', rules: [{ id: 'big', when: 'tx.amount >= 900.0', score: 60 }] });
      const v2 = aRulesetText({ version: 'v2', review: 40, rules: [{ id: 'big', when: 'tx.amount >= 500.0', score: 60 }] });
      const before = Date.now();
      const first = await registry.publish({ content: v1, ...sign });
      assert.equal(first.status, 'published');
      await inForceBy(source, 'v1');
      const second = await registry.publish({ content: v2, author: 'bob', note: 'lower the amount', via: 'dashboard' });
      assert.equal(second.status, 'published');
      await inForceBy(source, 'v2');

      const history = await registry.history();
      assert.deepEqual(history.entries.map((entry) => [entry.version, entry.action, entry.author, entry.note, entry.via, entry.previous]), [
        ['v2', 'publish', 'bob', 'lower the amount', 'dashboard', 'v1'],
        ['v1', 'publish', 'ana', 'first rules', 'cli', null],
      ]);
      assert.ok(history.entries.every((entry) => Date.parse(entry.publishedAt) >= before - 1000 && Date.parse(entry.publishedAt) <= Date.now()));
      assert.equal(history.entries[0]?.content, v2, 'the content is kept as written');
      assert.equal(history.current?.version, 'v2');
      assert.equal(history.current?.artifact?.id, history.entries[0]?.id);

      const diff = compareArtifacts(await versionSide(registry, 'v1'), await versionSide(registry, 'current'));
      assert.deepEqual(diff.ruleset?.thresholds, [{ field: 'review', from: 50, to: 40 }]);
      assert.deepEqual(diff.ruleset?.rules.changed, [{ id: 'big', fields: [{ field: 'when', from: 'tx.amount >= 900.0', to: 'tx.amount >= 500.0' }] }]);

      const rollback = await registry.rollback({ version: 'v1', author: 'carla', note: 'too many alerts', via: 'cli' });
      assert.equal(rollback.status, 'published');
      await inForceBy(source, 'v1');
      const after = await registry.history();
      assert.deepEqual(after.entries.map((entry) => [entry.version, entry.action, entry.author, entry.previous]), [
        ['v1', 'rollback', 'carla', 'v2'],
        ['v2', 'publish', 'bob', 'v1'],
        ['v1', 'publish', 'ana', null],
      ]);
      assert.equal(after.entries[0]?.content, v1);
      assert.equal(after.current?.version, 'v1');

      const audit = await readAll(log, topics.audit);
      assert.deepEqual(audit.map((record) => record.key?.toString()), ['ruleset/v1', 'ruleset/v2', 'ruleset/v1']);
      const rules = await readAll(log, topics.rules);
      assert.deepEqual(rules.map((record) => [record.key?.toString(), parsePublishedArtifact(String(record.value))?.version]).at(-1), ['default', 'v1']);

      // Another process (a new registry on the same topics) reads the same trail.
      const again = new ArtifactRegistry({ log, topics, logger: silentLogger() });
      closers.push(() => again.close());
      assert.deepEqual((await again.history()).entries.map((entry) => entry.id), after.entries.map((entry) => entry.id));
    });

    test('a repeated version with other content is published under a suffixed name, which detectors and decisions carry', async () => {
      const { registry, topics } = await fresh();
      const source = await follower(topics.rules);
      const a = aRulesetText({ version: 'same', review: 50 });
      const b = aRulesetText({ version: 'same', review: 55 });
      assert.equal((await registry.publish({ content: a, ...sign })).status, 'published');
      const renamed = await registry.publish({ content: b, ...sign, note: 'review at 55' });
      assert.equal(renamed.status, 'published');
      assert.ok(renamed.status === 'published' && renamed.renamed);
      const version = renamed.status === 'published' ? renamed.entry.version : '';
      assert.match(version, /^same\+[0-9a-f]{8}$/);
      assert.equal(renamed.status === 'published' ? renamed.entry.declaredVersion : '', 'same');
      await inForceBy(source, version);
      assert.equal(source.current().thresholds.review, 55);

      const unchanged = await registry.publish({ content: b, ...sign, note: 'again' });
      assert.equal(unchanged.status, 'unchanged', 'the content in force, under its version: nothing written');
      const back = await registry.publish({ content: a, ...sign, note: 'the first one again' });
      assert.equal(back.status === 'published' ? back.entry.version : '', 'same', 'the first content keeps its name');
      await inForceBy(source, 'same');
      assert.equal((await readAll(log, topics.audit)).length, 3);
    });

    test('what is refused writes nothing: an invalid ruleset, no note, no author, an unknown version, an invalid model', async () => {
      const { registry, topics } = await fresh();
      await assert.rejects(registry.publish({ content: 'rules: [{ id: broken }]', ...sign }), { code: 'FRAUD_RULES_INVALID' });
      await assert.rejects(registry.publish({ content: aRulesetText({ version: 'x' }), ...sign, note: '  ' }), (error: { code: string; problems: string[] }) => {
        assert.equal(error.code, 'FRAUD_USAGE');
        assert.match(error.problems.join('\n'), /note: is required/);
        return true;
      });
      await assert.rejects(registry.publish({ content: aRulesetText({ version: 'x' }), ...sign, author: '' }), { code: 'FRAUD_USAGE' });
      await assert.rejects(registry.publish({ content: aRulesetText({ version: 'x' }), ...sign, author: 'a\u001b[31mb' }), { code: 'FRAUD_USAGE' });
      await assert.rejects(registry.rollback({ version: 'never', ...sign }), { code: 'FRAUD_RULES_VERSION_UNKNOWN' });
      await assert.rejects(registry.publish({ kind: 'model', content: '{}', ...sign }), { code: 'FRAUD_MODEL_FORMAT' });
      await assert.rejects(registry.publish({ kind: 'model', content: JSON.stringify(anAmountModel({ features: ['source.nope'] })), ...sign }), { code: 'FRAUD_MODEL_FEATURES' });
      await assert.rejects(versionSide(registry, 'current'), { code: 'FRAUD_RULES_VERSION_UNKNOWN' });
      assert.equal((await readAll(log, topics.audit)).length, 0);
      assert.equal((await readAll(log, topics.rules)).length, 0);
      assert.deepEqual(await registry.history(), { entries: [], current: null });
    });

    test('a bare ruleset on the rules topic (published before the audit trail) is in force; a model artifact is not a ruleset', async () => {
      const { registry, topics } = await fresh();
      const producer = await log.createProducer();
      closers.push(() => producer.close());
      await producer.send([{ topic: topics.rules, key: 'default', value: aRulesetText({ version: 'legacy-1' }) }]);
      const history = await registry.history();
      assert.equal(history.current?.version, 'legacy-1');
      assert.equal(history.current?.artifact, null);
      assert.equal((await registry.publish({ content: aRulesetText({ version: 'v9' }), ...sign })).status, 'published');
      // A model published beside it (its reader comes later) leaves the ruleset in force.
      const model = anEntry({ kind: 'model', name: 'model', version: 'model-1', content: '{"weights":[1]}' });
      await producer.send([{ topic: topics.rules, key: 'model', value: JSON.stringify(model) }]);
      assert.equal((await registry.current('ruleset'))?.version, 'v9');
      assert.equal((await registry.current('model'))?.version, 'model-1');
      const source = await follower(topics.rules);
      await inForceBy(source, 'v9');
    });

    test('a published model is followed by detectors beside the ruleset in force, and rolled back like one', async () => {
      const { registry, topics } = await fresh();
      await registry.publish({ content: aRulesetText({ version: 'r1' }), ...sign });
      const first = await registry.publish({ kind: 'model', content: JSON.stringify(anAmountModel({ version: '1' })), ...sign, note: 'first model' });
      assert.ok(first.status === 'published');
      assert.equal(first.entry.name, 'model');
      assert.equal(first.entry.version, 'amount@1');
      assert.match(first.summary, /1 trees on 2 features/);
      await registry.publish({ kind: 'model', content: JSON.stringify(anAmountModel({ version: '2' })), ...sign, note: 'retrained' });
      const models = new ModelSource(undefined, silentLogger());
      const stop = new AbortController();
      await models.followTopic(log, topics.rules, stop.signal);
      closers.push(async () => {
        stop.abort();
        await models.close();
      });
      assert.equal(models.current()?.version, 'amount@2', 'caught up at start-up');
      await registry.rollback({ kind: 'model', version: 'amount@1', ...sign, note: 'back' });
      assert.ok(await eventually(async () => models.current()?.version === 'amount@1', 10_000, 50), 'the rollback followed');
      assert.equal((await registry.current('ruleset'))?.version, 'r1');
      assert.deepEqual((await registry.history('model')).entries.map((e) => e.version), ['amount@1', 'amount@2', 'amount@1']);
      const ruleset = await follower(topics.rules);
      await inForceBy(ruleset, 'r1');
    });
  });
}
